import QtQuick
import QtQuick.Layouts
import Station

// Reached by holding the top-left corner for three seconds: staff close the station with a PIN.
ScreenPage {
    id: page
    title: qsTr("Close the station")
    staffScreen: true
    showHelp: false
    property string name: ""
    property string error: ""
    footerExtra: BigButton { objectName: "cancelButton"; kind: "secondary"; text: qsTr("Back to start")
                             onClicked: station.endSession() }
    RowLayout {
        anchors.fill: parent
        spacing: Theme.margin
        ColumnLayout {
            Layout.fillWidth: true; Layout.alignment: Qt.AlignTop; spacing: Theme.gap
            BodyText { Layout.fillWidth: true; text: qsTr("Staff only. Choose your name and type your PIN to leave kiosk mode.") }
            Flow {
                Layout.fillWidth: true; spacing: Theme.gap
                Repeater {
                    model: station.allStaffNames()
                    BigButton { objectName: "staff_" + modelData; text: modelData
                                kind: page.name === modelData ? "primary" : "secondary"
                                onClicked: page.name = modelData }
                }
            }
            BigButton { objectName: "exitButton"; visible: page.name !== ""; kind: "danger"; text: qsTr("Close the station")
                        enabled: pad.value.length >= 6
                        onClicked: { page.error = station.exitKiosk(page.name, pad.value); pad.value = "" } }
            BodyText { objectName: "exitError"; text: page.error; color: Theme.danger; font.bold: true; visible: text !== "" }
        }
        ColumnLayout {
            visible: page.name !== ""
            Layout.alignment: Qt.AlignTop; spacing: Theme.gap
            NumberPad { id: pad; objectName: "pinPad"; masked: true; maxLength: 8 }
        }
    }
}

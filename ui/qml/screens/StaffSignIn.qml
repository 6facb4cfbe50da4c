import QtQuick
import QtQuick.Layouts
import Station

// Staff choose their mode, then their name, then type their PIN on the keypad.
ScreenPage {
    id: page
    title: qsTr("Staff sign-in")
    staffScreen: true
    showHelp: false
    property string role: ""
    property string name: ""
    property string error: ""
    footerExtra: BigButton { objectName: "cancelButton"; kind: "secondary"; text: qsTr("Back to start")
                             onClicked: station.endSession() }

    RowLayout {
        anchors.fill: parent
        spacing: Theme.margin
        ColumnLayout {
            Layout.fillWidth: true; Layout.fillHeight: true; Layout.alignment: Qt.AlignTop
            spacing: Theme.gap
            Heading { text: qsTr("1. Mode") }
            RowLayout {
                spacing: Theme.gap
                BigButton { objectName: "roleDoctor"; text: qsTr("Doctor"); kind: page.role === "doctor" ? "primary" : "secondary"
                            onClicked: { page.role = "doctor"; page.name = ""; page.error = "" } }
                BigButton { objectName: "roleTechnician"; text: qsTr("Technician")
                            kind: page.role === "technician" ? "primary" : "secondary"
                            onClicked: { page.role = "technician"; page.name = ""; page.error = "" } }
            }
            Heading { text: qsTr("2. Your name"); visible: page.role !== "" }
            Flow {
                Layout.fillWidth: true; spacing: Theme.gap; visible: page.role !== ""
                Repeater {
                    model: page.role !== "" ? station.staffNames(page.role) : []
                    BigButton { objectName: "staff_" + modelData; text: modelData
                                kind: page.name === modelData ? "primary" : "secondary"
                                onClicked: { page.name = modelData; page.error = "" } }
                }
            }
            BodyText { visible: page.role !== "" && station.staffNames(page.role).length === 0
                       text: qsTr("No staff account for this mode yet. Add one with: kiosk staff add") }
            RowLayout {
                visible: page.name !== ""; spacing: Theme.gap
                Heading { text: qsTr("3. Type your PIN, then") }
                BigButton {
                    objectName: "signInButton"
                    text: qsTr("Sign in")
                    enabled: pad.value.length >= 6
                    onClicked: {
                        page.error = station.signIn(page.role, page.name, pad.value)
                        pad.value = ""
                        if (page.error === "") station.go(page.role === "doctor" ? "DoctorQueue" : "TechHome")
                    }
                }
            }
            BodyText { objectName: "signInError"; Layout.fillWidth: true; text: page.error; color: Theme.danger
                       font.bold: true; visible: text !== "" }
        }
        ColumnLayout {
            visible: page.name !== ""
            Layout.alignment: Qt.AlignTop
            spacing: Theme.gap
            NumberPad { id: pad; objectName: "pinPad"; masked: true; maxLength: 8 }
        }
    }
}

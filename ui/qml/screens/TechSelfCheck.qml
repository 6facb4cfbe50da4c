import QtQuick
import QtQuick.Layouts
import Station

// The station self-check (as `kiosk selfcheck`): one line a check, pass / warning / fail, with what to do.
ScreenPage {
    id: page
    title: qsTr("Station self-check")
    staffScreen: true
    showHelp: false
    showVoice: false
    footerExtra: [
        BigButton { objectName: "selfCheckBackButton"; kind: "secondary"; text: qsTr("Back"); implicitWidth: 200
                    onClicked: station.go("TechHome") },
        BigButton { objectName: "selfCheckRunButton"; text: qsTr("Check again"); enabled: !techCheck.running
                    onClicked: techCheck.run() }
    ]

    ColumnLayout {
        anchors.fill: parent
        spacing: 8
        BodyText { objectName: "selfCheckVerdict"; Layout.fillWidth: true; font.bold: true; text: techCheck.verdict
                   color: techCheck.verdictStatus === "fail" ? Theme.danger : Theme.ink }
        ListView {
            objectName: "selfCheckList"
            Layout.fillWidth: true; Layout.fillHeight: true; clip: true; spacing: 6
            model: techCheck.lines
            delegate: Rectangle {
                objectName: "check_" + index
                property string status: modelData.status
                width: ListView.view.width
                height: body.implicitHeight + 16
                radius: Theme.radius; color: Theme.panel
                border.width: modelData.status === "pass" ? 1 : 3
                border.color: modelData.status === "fail" ? Theme.danger : modelData.status === "warn" ? Theme.warn : Theme.line
                RowLayout {
                    id: body
                    anchors.left: parent.left; anchors.right: parent.right; anchors.verticalCenter: parent.verticalCenter
                    anchors.margins: 10; spacing: Theme.gap
                    Rectangle {   // the word, not only the colour, says the verdict
                        radius: 8; implicitWidth: 150; implicitHeight: 36; Layout.alignment: Qt.AlignTop
                        color: modelData.status === "fail" ? Theme.danger : modelData.status === "warn" ? Theme.warn : Theme.ok
                        Text { anchors.centerIn: parent; text: modelData.statusText; color: Theme.primaryInk
                               font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize; font.bold: true }
                    }
                    ColumnLayout {
                        Layout.fillWidth: true; spacing: 2
                        Text { Layout.fillWidth: true; wrapMode: Text.Wrap; color: Theme.ink
                               font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize; font.bold: true
                               text: modelData.area + " · " + modelData.name + ": " + modelData.detail }
                        Text { Layout.fillWidth: true; wrapMode: Text.Wrap; visible: modelData.status !== "pass" && modelData.action !== ""
                               color: Theme.ink; font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize
                               text: "→ " + modelData.action }
                    }
                }
            }
        }
    }
}

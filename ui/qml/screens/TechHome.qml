import QtQuick
import QtQuick.Layouts
import Station

// The technician's device list: every device with its live state, lock reason and calibration due date.
ScreenPage {
    id: page
    title: qsTr("Technician: devices")
    staffScreen: true
    showHelp: false
    showVoice: false
    footerExtra: [
        BigButton { objectName: "cameraCheckButton"; kind: "secondary"; text: qsTr("Camera check")
                    onClicked: techCamera.open() },
        BigButton { objectName: "syncButton"; kind: "secondary"; text: qsTr("Sync and logs")
                    onClicked: techSync.open() },
        BigButton { objectName: "selfCheckButton"; kind: "secondary"; text: qsTr("Self-check")
                    onClicked: techCheck.open() },
        BigButton { objectName: "signOutButton"; kind: "danger"; text: qsTr("Sign out")
                    onClicked: station.endSession() }
    ]

    GridView {
        id: grid
        objectName: "deviceGrid"
        anchors.fill: parent
        clip: true
        cellWidth: width / 2
        cellHeight: 128
        model: tech.devices
        delegate: Item {
            width: grid.cellWidth; height: grid.cellHeight
            Rectangle {
                objectName: "device_" + modelData.name
                property string stateText: modelData.stateText
                property bool locked: modelData.locked
                anchors.fill: parent; anchors.rightMargin: Theme.gap / 2; anchors.bottomMargin: 12
                radius: Theme.radius
                color: Theme.panel
                border.width: modelData.locked || modelData.state === "error" || modelData.state === "absent" ? 4 : 2
                border.color: modelData.locked || modelData.state === "error" ? Theme.danger
                            : modelData.state === "absent" ? Theme.warn : Theme.line
                MouseArea { anchors.fill: parent; onClicked: tech.openDevice(modelData.name) }
                ColumnLayout {
                    anchors.fill: parent; anchors.margins: 12; spacing: 2
                    RowLayout {
                        Layout.fillWidth: true
                        Text { text: modelData.name; font.family: Theme.fontFamily; font.pixelSize: Theme.bodySize
                               font.bold: true; color: Theme.ink; Layout.fillWidth: true; elide: Text.ElideRight }
                        Rectangle {
                            radius: 8; implicitWidth: stateLabel.implicitWidth + 24; implicitHeight: 36
                            color: modelData.locked || modelData.state === "error" ? Theme.danger
                                 : modelData.state === "ready" || modelData.state === "measuring" ? Theme.ok : Theme.warn
                            Text { id: stateLabel; anchors.centerIn: parent; text: modelData.stateText
                                   color: Theme.primaryInk; font.family: Theme.fontFamily
                                   font.pixelSize: Theme.smallSize; font.bold: true }
                        }
                    }
                    Text { Layout.fillWidth: true; elide: Text.ElideRight
                           color: modelData.reason !== "" ? Theme.danger : Theme.ink
                           font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize
                           text: modelData.reason !== "" ? modelData.reason
                                 : modelData.calibration
                                   + (modelData.lastReading !== "" ? "  ·  " + qsTr("Last: %1").arg(modelData.lastReading) : "")
                                   + (modelData.info !== "" ? "  ·  " + modelData.info : "") }
                }
            }
        }
    }
}

import QtQuick
import QtQuick.Layouts
import Station

// One device: its state, the latest calibration record, raw live values, probe and calibrate.
ScreenPage {
    id: page
    title: qsTr("Device: %1").arg(tech.deviceName)
    staffScreen: true
    showHelp: false
    showVoice: false
    Component.onDestruction: tech.leaveDevice()
    footerExtra: [
        BigButton { objectName: "backButton"; kind: "secondary"; text: qsTr("Back"); implicitWidth: 200
                    onClicked: { tech.leaveDevice(); station.go("TechHome") } },
        BigButton { objectName: "probeButton"; kind: "secondary"; text: qsTr("Probe"); implicitWidth: 200
                    enabled: !tech.busy; onClicked: tech.probe() },
        BigButton { objectName: "testReadingButton"; kind: "secondary"; text: qsTr("Test reading")
                    enabled: !tech.busy; onClicked: tech.testReading() },
        BigButton { objectName: "calibrateButton"; text: qsTr("Calibrate"); visible: tech.calibratable
                    enabled: !tech.busy; onClicked: { tech.leaveDevice(); techCal.start(tech.deviceName) } }
    ]

    RowLayout {
        anchors.fill: parent
        spacing: Theme.margin
        ColumnLayout {
            Layout.preferredWidth: parent.width * 0.5; Layout.fillHeight: true; Layout.alignment: Qt.AlignTop
            spacing: 8
            RowLayout {
                spacing: Theme.gap
                Heading { text: qsTr("State") }
                Rectangle {
                    radius: 8; implicitWidth: st.implicitWidth + 28; implicitHeight: 48
                    color: tech.device.locked || tech.device.state === "error" ? Theme.danger
                         : tech.device.state === "ready" || tech.device.state === "measuring" ? Theme.ok : Theme.warn
                    Text { id: st; objectName: "deviceState"; anchors.centerIn: parent; text: tech.device.stateText || ""
                           color: Theme.primaryInk; font.family: Theme.fontFamily; font.pixelSize: Theme.bodySize
                           font.bold: true }
                }
            }
            BodyText { objectName: "deviceReason"; Layout.fillWidth: true; font.pixelSize: Theme.smallSize
                       color: Theme.danger; text: tech.device.reason || ""; visible: text !== ""
                       maximumLineCount: 3; elide: Text.ElideRight }
            BodyText { objectName: "deviceProtocol"; Layout.fillWidth: true; font.pixelSize: Theme.smallSize
                       text: qsTr("Protocol: %1").arg(tech.device.protocol || "")
                             + (tech.device.firmware ? "  ·  " + qsTr("Firmware: %1").arg(tech.device.firmware) : "")
                       elide: Text.ElideRight }
            Heading { text: qsTr("Latest calibration"); font.pixelSize: Theme.bodySize }
            BodyText { objectName: "recordText"; Layout.fillWidth: true; font.pixelSize: Theme.smallSize
                       text: tech.record.result === undefined ? qsTr("No calibration on record.")
                           : qsTr("%1: %2 on %3 by %4").arg(tech.record.procedure)
                               .arg(tech.record.passed ? qsTr("PASSED") : qsTr("FAILED"))
                               .arg(tech.record.performedAt).arg(tech.record.by) }
            BodyText { Layout.fillWidth: true; font.pixelSize: Theme.smallSize; visible: tech.record.result !== undefined
                       text: qsTr("Valid until %1").arg(tech.record.validUntil || "") }
            BodyText { Layout.fillWidth: true; font.pixelSize: Theme.smallSize; visible: tech.record.result !== undefined
                       text: qsTr("Reference → reading: %1").arg((tech.record.pairs || []).join("; "))
                       maximumLineCount: 3; elide: Text.ElideRight }
            BodyText { Layout.fillWidth: true; font.pixelSize: Theme.smallSize; color: Theme.muted
                       visible: tech.record.result !== undefined; text: tech.record.notes || ""
                       maximumLineCount: 2; elide: Text.ElideRight }
            Item { Layout.fillHeight: true }
        }
        ColumnLayout {
            Layout.fillWidth: true; Layout.fillHeight: true; Layout.alignment: Qt.AlignTop
            spacing: 8
            Heading { text: qsTr("Live values"); font.pixelSize: Theme.bodySize }
            Rectangle {
                Layout.fillWidth: true; Layout.fillHeight: true
                color: Theme.panel; border.color: Theme.line; border.width: 2; radius: Theme.radius
                Column {
                    anchors.fill: parent; anchors.margins: 10; clip: true
                    Text { visible: tech.raw.length === 0; width: parent.width; wrapMode: Text.Wrap
                           text: qsTr("Nothing yet. Tap \"Test reading\" to see the sensor.")
                           color: Theme.muted; font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize }
                    Repeater {
                        model: tech.raw
                        Text { objectName: "rawLine"; width: parent.width; elide: Text.ElideRight; text: modelData
                               color: Theme.ink; font.family: "monospace"; font.pixelSize: Theme.smallSize }
                    }
                }
            }
            BodyText { objectName: "probeText"; Layout.fillWidth: true; font.pixelSize: Theme.smallSize
                       text: tech.busy ? qsTr("Working…") : tech.probeText; visible: text !== ""
                       maximumLineCount: 3; elide: Text.ElideRight }
        }
    }
}

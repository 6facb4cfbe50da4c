import QtQuick
import QtQuick.Layouts
import Station

// Cuff pressure while the cuff inflates and lets air out: a big number and a bar (0–300 mmHg).
Item {
    id: root
    readonly property real pressure: deviceTest.liveValue
    readonly property bool measuring: deviceTest.phase === "measuring"
    RowLayout {
        anchors.fill: parent; anchors.margins: Theme.gap; spacing: Theme.gap * 2
        ColumnLayout {
            Layout.fillWidth: true; Layout.alignment: Qt.AlignVCenter; spacing: 8
            BodyText {
                objectName: "cuffPhase"
                Layout.fillWidth: true; horizontalAlignment: Text.AlignHCenter; font.bold: true
                text: !root.measuring ? qsTr("Cuff pressure")
                      : deviceTest.liveRising ? qsTr("Squeezing…") : qsTr("Letting air out…")
            }
            Text {
                objectName: "cuffPressure"
                Layout.fillWidth: true; horizontalAlignment: Text.AlignHCenter
                text: Math.round(root.pressure)
                font.family: Theme.fontFamily; font.pixelSize: Theme.hugeSize * 1.5; font.bold: true
                color: Theme.primary
            }
            BodyText { Layout.fillWidth: true; horizontalAlignment: Text.AlignHCenter; text: "mmHg"; color: Theme.muted }
            BodyText {
                Layout.fillWidth: true; horizontalAlignment: Text.AlignHCenter
                visible: root.measuring
                text: qsTr("Keep still and do not talk.")
            }
        }
        Rectangle {
            objectName: "cuffBar"
            Layout.preferredWidth: 90; Layout.fillHeight: true
            radius: Theme.radius; color: Theme.secondary; border.color: Theme.line; border.width: 3
            Rectangle {
                anchors { left: parent.left; right: parent.right; bottom: parent.bottom; margins: 6 }
                height: Math.max(0, Math.min(1, root.pressure / 300)) * (parent.height - 12)
                radius: Theme.radius - 4; color: Theme.primary
                Behavior on height { NumberAnimation { duration: 60 } }
            }
            Repeater {
                model: [100, 200, 300]
                Text {
                    x: -width - 8; y: (1 - modelData / 300) * (parent.height - 12) + 6 - height / 2
                    text: modelData; color: Theme.muted
                    font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize
                }
            }
        }
    }
}

import QtQuick
import QtQuick.Layouts
import Station

// One big live number (vital capacity mL, reach cm, reaction s) or, for the scale, "stand still".
Item {
    id: root
    readonly property string kind: deviceTest.kind
    readonly property string unit: kind === "vital_capacity" ? "mL" : kind === "sit_and_reach" ? "cm"
                                   : kind === "reaction_time" ? "s" : ""
    readonly property int decimals: kind === "reaction_time" ? 2 : kind === "sit_and_reach" ? 1 : 0
    ColumnLayout {
        anchors.centerIn: parent; width: parent.width - 2 * Theme.gap; spacing: Theme.gap
        BodyText {
            Layout.fillWidth: true; horizontalAlignment: Text.AlignHCenter; font.bold: true
            visible: !(root.kind === "reaction_time" && deviceTest.liveStimulus > 0)
            text: root.kind === "scale" ? qsTr("Weight")
                  : root.kind === "vital_capacity" ? qsTr("Air blown out")
                  : root.kind === "sit_and_reach" ? qsTr("How far you reach")
                  : qsTr("Last reaction time")
        }
        Text {  // a reaction box without lamps: the station shows which button to press
            objectName: "liveStimulus"
            Layout.fillWidth: true; horizontalAlignment: Text.AlignHCenter; wrapMode: Text.WordWrap
            visible: root.kind === "reaction_time" && deviceTest.liveStimulus > 0
            text: qsTr("Press button %1").arg(deviceTest.liveStimulus)
            font.family: Theme.fontFamily; font.pixelSize: Theme.hugeSize; font.bold: true; color: Theme.primary
        }
        Text {
            objectName: "liveNumber"
            Layout.fillWidth: true; horizontalAlignment: Text.AlignHCenter
            visible: root.kind !== "scale" && !(root.kind === "reaction_time" && deviceTest.liveStimulus > 0)
            text: deviceTest.liveValue.toFixed(root.decimals) + " " + root.unit
            font.family: Theme.fontFamily; font.pixelSize: Theme.hugeSize * 1.3; font.bold: true; color: Theme.primary
        }
        BodyText {
            Layout.fillWidth: true; horizontalAlignment: Text.AlignHCenter
            visible: root.kind === "scale"
            text: deviceTest.phase === "measuring" ? qsTr("Stand still. Your weight appears when it is steady.")
                                                   : qsTr("Step on when you have pressed Start.")
        }
        Rectangle {
            Layout.fillWidth: true; Layout.preferredHeight: 48
            visible: root.kind === "vital_capacity"
            radius: Theme.radius; color: Theme.secondary; border.color: Theme.line; border.width: 2
            Rectangle {
                anchors { left: parent.left; top: parent.top; bottom: parent.bottom; margins: 5 }
                width: Math.min(1, deviceTest.liveValue / 6000) * (parent.width - 10)
                radius: Theme.radius - 4; color: Theme.primary
            }
        }
    }
}

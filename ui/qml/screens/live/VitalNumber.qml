import QtQuick
import QtQuick.Layouts
import Station

// The thermometer's temperature as it rises, or, for the body-composition analyser, "stand still".
Item {
    id: root
    readonly property bool thermometer: deviceTest.kind === "thermometer"
    ColumnLayout {
        anchors.centerIn: parent; width: parent.width - 2 * Theme.gap; spacing: Theme.gap
        BodyText {
            Layout.fillWidth: true; horizontalAlignment: Text.AlignHCenter; font.bold: true
            text: root.thermometer ? qsTr("Temperature") : qsTr("Body fat")
        }
        Text {
            objectName: "liveTemperature"
            Layout.fillWidth: true; horizontalAlignment: Text.AlignHCenter
            visible: root.thermometer && deviceTest.liveValue > 0
            text: deviceTest.liveValue.toFixed(1) + " °C"
            font.family: Theme.fontFamily; font.pixelSize: Theme.hugeSize * 1.3; font.bold: true; color: Theme.primary
        }
        BodyText {
            objectName: "vitalHint"
            Layout.fillWidth: true; horizontalAlignment: Text.AlignHCenter; wrapMode: Text.WordWrap
            visible: deviceTest.phase === "measuring" && !(root.thermometer && deviceTest.liveValue > 0)
            text: root.thermometer ? qsTr("Keep your arm down until the thermometer beeps.")
                                   : qsTr("Stand still with bare feet on the plates. It takes about ten seconds.")
        }
    }
}

import QtQuick
import QtQuick.Layouts
import Station

// A big on-screen keypad. `value` is what has been typed; `allowX` adds the X of ID numbers.
// `masked` shows dots instead of digits (PINs). Keys are objectNames "key_0".."key_9", "key_X", "key_back".
Item {
    id: pad
    property string value: ""
    property int maxLength: 18
    property bool allowX: false
    property bool masked: false
    property int keySize: 80
    implicitWidth: keySize * 3 + 24 * 2
    implicitHeight: keySize * 4 + 12 * 3 + 96

    Rectangle {
        id: display
        width: parent.width; height: 80
        radius: Theme.radius; color: Theme.panel; border.color: Theme.line; border.width: 3
        Text {
            objectName: "padDisplay"
            anchors.fill: parent; anchors.margins: 12
            horizontalAlignment: Text.AlignHCenter; verticalAlignment: Text.AlignVCenter
            text: pad.masked ? "●".repeat(pad.value.length) : pad.value
            font.family: Theme.fontFamily; font.pixelSize: pad.value.length > 12 ? 34 : 44; font.bold: true
            color: Theme.ink; elide: Text.ElideLeft
        }
    }
    GridLayout {
        anchors.top: display.bottom; anchors.topMargin: 16
        anchors.horizontalCenter: parent.horizontalCenter
        columns: 3; rowSpacing: 12; columnSpacing: 24
        Repeater {
            model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", pad.allowX ? "X" : "", "0", "back"]
            BigButton {
                objectName: "key_" + modelData
                Layout.preferredWidth: pad.keySize; Layout.preferredHeight: pad.keySize
                implicitWidth: pad.keySize
                opacity: modelData !== "" ? 1 : 0   // keep the grid's shape when there is no X key
                enabled: modelData !== ""
                kind: modelData === "back" ? "secondary" : "primary"
                text: modelData === "back" ? "⌫" : modelData
                textSize: 40
                Accessible.name: modelData === "back" ? qsTr("Delete") : modelData
                onClicked: {
                    if (modelData === "back") pad.value = pad.value.slice(0, -1)
                    else if (pad.value.length < pad.maxLength) pad.value += modelData
                }
            }
        }
    }
}

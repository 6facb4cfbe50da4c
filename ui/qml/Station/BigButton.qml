import QtQuick
import QtQuick.Controls.Basic
import Station

// kind: "primary" | "secondary" | "danger" | "ok". Text never the only cue: kinds also differ in border.
Button {
    id: control
    property string kind: "primary"
    property int textSize: Theme.bodySize
    implicitHeight: Theme.buttonHeight
    implicitWidth: Math.max(240, contentItem.implicitWidth + 64)
    font.family: Theme.fontFamily
    font.pixelSize: textSize
    font.bold: true
    contentItem: Text {
        text: control.text
        font: control.font
        color: control.kind === "secondary" ? Theme.ink : Theme.primaryInk
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        wrapMode: Text.Wrap
        opacity: control.enabled ? 1.0 : 0.55
    }
    background: Rectangle {
        radius: Theme.radius
        color: control.kind === "danger" ? Theme.danger : control.kind === "ok" ? Theme.ok
             : control.kind === "secondary" ? Theme.secondary : Theme.primary
        border.width: control.kind === "secondary" ? 3 : 0
        border.color: Theme.line
        opacity: control.enabled ? (control.down ? 0.8 : 1.0) : 0.45
    }
}

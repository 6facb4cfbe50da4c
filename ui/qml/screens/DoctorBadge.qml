import QtQuick
import Station

// One flag of a session: a symbol AND words, never colour alone. kind: "urgent" | "review" | "flag".
Rectangle {
    id: badge
    property string kind: "flag"
    property string symbol: ""
    property string label: ""
    property real maxWidth: 760
    implicitWidth: Math.min(badgeText.implicitWidth + 24, maxWidth)
    implicitHeight: badgeText.height + 12
    radius: 8
    color: kind === "urgent" ? Theme.danger : kind === "review" ? Theme.warnBack : Theme.secondary
    border.width: 2
    border.color: kind === "urgent" ? Theme.danger : kind === "review" ? Theme.warn : Theme.line
    Text {
        id: badgeText
        anchors.centerIn: parent
        width: Math.min(implicitWidth, badge.maxWidth - 24)
        text: badge.symbol + " " + badge.label
        font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize; font.bold: badge.kind !== "flag"
        color: badge.kind === "urgent" ? Theme.primaryInk : Theme.ink
        wrapMode: Text.Wrap
    }
}

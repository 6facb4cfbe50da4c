import QtQuick
import Station

Text {
    color: Theme.ink
    font.family: Theme.fontFamily
    font.pixelSize: Theme.bodySize
    wrapMode: Text.Wrap
    lineHeight: 1.15
}

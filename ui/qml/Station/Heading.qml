import QtQuick
import Station

Text {
    color: Theme.ink
    font.family: Theme.fontFamily
    font.pixelSize: Theme.headingSize
    font.bold: true
    wrapMode: Text.Wrap
}

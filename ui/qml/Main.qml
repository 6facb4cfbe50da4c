import QtQuick
import QtQuick.Controls.Basic
import QtQuick.VirtualKeyboard
import Station

ApplicationWindow {
    id: window
    objectName: "stationWindow"
    width: 1280; height: 800
    minimumWidth: 1024; minimumHeight: 700
    visible: true
    visibility: station.fullscreen ? Window.FullScreen : Window.Windowed
    title: qsTr("Community health station")
    color: Theme.page
    font.family: Theme.fontFamily

    Loader {
        id: screenLoader
        objectName: "screenLoader"
        anchors.fill: parent
        anchors.bottomMargin: keyboard.active ? keyboard.height : 0
        source: "screens/" + station.screen + ".qml"
    }

    // The staff exit gesture: hold the top-left corner for three seconds (no visible button for residents).
    MouseArea {
        objectName: "staffExitCorner"
        x: 0; y: 0; width: 80; height: 80
        pressAndHoldInterval: 3000
        onPressAndHold: station.go("StaffExit")
    }

    InputPanel {
        id: keyboard
        objectName: "virtualKeyboard"
        z: 99
        y: active ? window.height - height : window.height
        width: window.width
    }
}

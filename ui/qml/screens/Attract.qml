import QtQuick
import QtQuick.Layouts
import Station

ScreenPage {
    title: qsTr("Community health station")
    showHelp: false
    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.gap
        Item { Layout.fillHeight: true }
        Text {
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("Check your health in a few minutes")
            font.family: Theme.fontFamily; font.pixelSize: Theme.titleSize; font.bold: true; color: Theme.ink
            wrapMode: Text.Wrap
        }
        BodyText {
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("Blood pressure, weight, grip strength, lung capacity, balance and movement tests, with a report and exercise advice.")
        }
        BigButton {
            objectName: "startButton"
            Layout.alignment: Qt.AlignHCenter
            Layout.preferredWidth: 560; Layout.preferredHeight: 140
            text: qsTr("Touch here to start")
            textSize: Theme.headingSize
            onClicked: station.go("Identify")
        }
        Item { Layout.fillHeight: true }
        RowLayout {
            Layout.fillWidth: true
            BodyText { Layout.fillWidth: true; color: Theme.muted; font.pixelSize: Theme.smallSize
                       text: qsTr("Your results are kept private. Staff can help you at any time.") }
            BigButton {
                objectName: "staffButton"
                kind: "secondary"; implicitHeight: Theme.touchMin
                text: qsTr("Staff")
                onClicked: station.go("StaffSignIn")
            }
        }
    }
}

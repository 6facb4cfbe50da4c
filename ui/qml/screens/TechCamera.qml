import QtQuick
import QtQuick.Layouts
import Station

// Camera framing and lighting check: the live picture and a verdict in plain words.
ScreenPage {
    id: page
    title: qsTr("Camera check")
    staffScreen: true
    showHelp: false
    showVoice: false
    Component.onDestruction: techCamera.stop()
    footerExtra: [
        BigButton { objectName: "cameraBackButton"; kind: "secondary"; text: qsTr("Back")
                    onClicked: techCamera.leave() }
    ]

    RowLayout {
        anchors.fill: parent
        spacing: Theme.margin
        Rectangle {
            Layout.preferredWidth: parent.width * 0.58; Layout.fillHeight: true
            color: "#202020"; radius: Theme.radius
            Image {
                objectName: "cameraPicture"
                anchors.fill: parent; anchors.margins: 6
                source: "image://camera/tech?" + camera.revision; cache: false; fillMode: Image.PreserveAspectFit
            }
        }
        ColumnLayout {
            Layout.fillWidth: true; Layout.fillHeight: true; Layout.alignment: Qt.AlignTop
            spacing: Theme.gap
            BodyText { objectName: "cameraStatus"; Layout.fillWidth: true; text: techCamera.status
                       visible: text !== ""; color: Theme.danger; font.bold: true }
            Heading { text: qsTr("Framing"); font.pixelSize: Theme.bodySize }
            BodyText { objectName: "framingVerdict"; Layout.fillWidth: true
                       text: techCamera.framing !== "" ? techCamera.framing : qsTr("Waiting for the picture…")
                       color: techCamera.framing === "" ? Theme.muted : techCamera.framingOk ? Theme.ok : Theme.warn
                       font.bold: techCamera.framing !== "" }
            Heading { text: qsTr("Lighting"); font.pixelSize: Theme.bodySize }
            BodyText { objectName: "lightingVerdict"; Layout.fillWidth: true
                       text: techCamera.lighting !== "" ? techCamera.lighting : qsTr("Waiting for the picture…")
                       color: techCamera.lighting === "" ? Theme.muted : techCamera.lightingOk ? Theme.ok : Theme.warn
                       font.bold: techCamera.lighting !== "" }
            BodyText { Layout.fillWidth: true; font.pixelSize: Theme.smallSize; color: Theme.muted
                       text: qsTr("Stand where a resident stands. The whole body, head to feet, must be in the picture.") }
        }
    }
}

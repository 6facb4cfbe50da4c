import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Station

// The offered tests as big tiles; status in words and a sign, never colour alone.
ScreenPage {
    id: page
    title: qsTr("Choose a test")
    spokenIntro: qsTr("Touch a test to start it, or touch Full check to do them all.")
    helpText: qsTr("A test marked with ⚠ cannot be used today. Staff can help.")
    // Read here, not inside the GridLayout: GridLayout's own `flow` property hides the view-model there.
    readonly property var tiles: flow.tiles

    footerExtra: [
        BigButton {
            objectName: "fullCheckButton"
            implicitHeight: Theme.touchMin
            text: qsTr("Full check")
            onClicked: flow.startFullCheck()
        },
        BigButton {
            objectName: "olderAdultCheckButton"
            visible: flow.olderAdultCheckOffered
            implicitHeight: Theme.touchMin
            text: qsTr("Older-adult check")
            onClicked: flow.startOlderAdultCheck()
        },
        BigButton {
            objectName: "finishButton"
            kind: "ok"; implicitHeight: Theme.touchMin
            text: qsTr("See my report")
            onClicked: flow.finish()
        }
    ]

    ColumnLayout {
        anchors.fill: parent
        spacing: 12

        BodyText {
            objectName: "menuSafetyNotice"
            Layout.fillWidth: true
            visible: !session.exertionAllowed
            color: Theme.warn; font.bold: true; font.pixelSize: Theme.smallSize
            text: session.vitalsStopExertion
                  ? qsTr("ⓘ Because of your temperature or blood oxygen, exercise and strength tests are skipped today. Please see a doctor.")
                  : qsTr("ⓘ Because of your answers, exercise and strength tests are skipped today. Please see a doctor.")
        }
        BodyText {
            objectName: "menuCameraNotice"
            Layout.fillWidth: true
            visible: session.exertionAllowed && flow.cameraConfigured && !session.cameraAllowed
            color: Theme.muted; font.pixelSize: Theme.smallSize
            text: qsTr("The camera tests are not shown, as you chose.")
        }

        GridLayout {
            id: grid
            Layout.fillWidth: true; Layout.fillHeight: true
            readonly property int count: page.tiles.length
            columns: count > 12 ? 5 : count > 9 ? 4 : 3   // 13 and more: five across, so two-line texts fit
            readonly property int rows: Math.max(1, Math.ceil(count / columns))
            rowSpacing: 12; columnSpacing: 12
            Repeater {
                model: page.tiles
                Button {
                    id: tile
                    required property var modelData
                    objectName: "tile_" + modelData.name
                    readonly property bool locked: modelData.state === "unavailable" || modelData.state === "starting"
                    Layout.fillWidth: true; Layout.fillHeight: true
                    Layout.preferredWidth: 1; Layout.preferredHeight: 1   // equal shares of the grid
                    Layout.maximumHeight: 200
                    padding: 10
                    enabled: modelData.startable
                    Accessible.name: modelData.title + ". " + modelData.status
                    onClicked: flow.startTest(modelData.name)
                    background: Rectangle {
                        radius: Theme.radius
                        color: tile.locked ? Theme.secondary : modelData.state === "done" ? "#E6F2E8" : Theme.panel
                        border.width: tile.locked ? 2 : 4
                        border.color: tile.locked ? Theme.line : modelData.state === "done" ? Theme.ok : Theme.primary
                        opacity: tile.down ? 0.8 : 1.0
                    }
                    contentItem: ColumnLayout {
                        spacing: 4
                        RowLayout {
                            Layout.fillWidth: true
                            spacing: 10
                            Text {
                                text: modelData.icon
                                font.family: Theme.fontFamily; font.bold: true
                                font.pixelSize: grid.columns > 4 ? Theme.bodySize : Theme.headingSize
                                color: tile.locked ? Theme.warn : modelData.state === "done" ? Theme.ok : Theme.primary
                            }
                            Text {
                                objectName: "tileTitle_" + modelData.name
                                Layout.fillWidth: true
                                text: modelData.title
                                // five across: a little smaller, so a long word ("Temperature") is not broken
                                font.family: Theme.fontFamily; font.bold: true
                                font.pixelSize: grid.columns > 4 ? Math.round(Theme.bodySize * 0.78) : Theme.bodySize
                                color: Theme.ink; wrapMode: Text.Wrap; maximumLineCount: 2; elide: Text.ElideRight
                            }
                        }
                        Text {
                            objectName: "tileStatus_" + modelData.name
                            Layout.fillWidth: true
                            text: (modelData.camera ? qsTr("By camera") + " · " : "") + modelData.status
                            font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize
                            color: tile.locked ? Theme.warn : Theme.ink
                            wrapMode: Text.Wrap; maximumLineCount: grid.columns > 4 ? 3 : 2; elide: Text.ElideRight
                        }
                        Item { Layout.fillHeight: true }
                    }
                }
            }
        }
    }
}

import QtQuick
import QtQuick.Layouts
import Station

// Sync status (as `kiosk sync status`), quarantined batches with Retry, and the log export.
ScreenPage {
    id: page
    title: qsTr("Sync and logs")
    staffScreen: true
    showHelp: false
    showVoice: false
    footerExtra: [
        BigButton { objectName: "syncBackButton"; kind: "secondary"; text: qsTr("Back"); implicitWidth: 200
                    onClicked: station.go("TechHome") },
        BigButton { objectName: "syncRefreshButton"; kind: "secondary"; text: qsTr("Refresh"); implicitWidth: 200
                    onClicked: techSync.refresh() },
        BigButton { objectName: "exportLogsButton"; text: qsTr("Export logs"); onClicked: techSync.exportLogs() }
    ]

    RowLayout {
        anchors.fill: parent
        spacing: Theme.margin
        ColumnLayout {
            Layout.preferredWidth: parent.width * 0.42; Layout.fillHeight: true; Layout.alignment: Qt.AlignTop
            spacing: 6
            Heading { text: qsTr("Upload"); font.pixelSize: Theme.bodySize }
            GridLayout {
                columns: 2; columnSpacing: Theme.gap; rowSpacing: 4; Layout.fillWidth: true
                BodyText { text: qsTr("Queue"); font.pixelSize: Theme.smallSize; color: Theme.muted }
                BodyText { objectName: "queueDepth"; Layout.fillWidth: true; font.pixelSize: Theme.smallSize; font.bold: true
                           text: qsTr("%1 rows").arg(techSync.figures.queueDepth === undefined ? "-" : techSync.figures.queueDepth) }
                BodyText { text: qsTr("Last success"); font.pixelSize: Theme.smallSize; color: Theme.muted }
                BodyText { objectName: "lastSuccess"; Layout.fillWidth: true; font.pixelSize: Theme.smallSize
                           text: techSync.figures.lastSuccess === "never" ? qsTr("never") : (techSync.figures.lastSuccess || "-") }
                BodyText { text: qsTr("Last error"); font.pixelSize: Theme.smallSize; color: Theme.muted }
                BodyText { objectName: "lastError"; Layout.fillWidth: true; font.pixelSize: Theme.smallSize
                           text: techSync.figures.lastError || qsTr("none"); maximumLineCount: 2; elide: Text.ElideRight }
                BodyText { text: qsTr("Server"); font.pixelSize: Theme.smallSize; color: Theme.muted }
                BodyText { Layout.fillWidth: true; font.pixelSize: Theme.smallSize; text: techSync.figures.endpoint || ""
                           elide: Text.ElideMiddle; wrapMode: Text.NoWrap }
            }
            BodyText { objectName: "syncMessage"; Layout.fillWidth: true; font.bold: true; text: techSync.message
                       visible: text !== ""; font.pixelSize: Theme.smallSize }
            BodyText { objectName: "exportPath"; Layout.fillWidth: true; font.pixelSize: Theme.smallSize
                       visible: techSync.exportPath !== ""; text: qsTr("Saved to: %1").arg(techSync.exportPath)
                       wrapMode: Text.WrapAnywhere }
        }
        ColumnLayout {
            Layout.fillWidth: true; Layout.fillHeight: true; Layout.alignment: Qt.AlignTop
            spacing: 8
            Heading { text: qsTr("Quarantined batches: %1").arg(techSync.batches.length); font.pixelSize: Theme.bodySize }
            BodyText { visible: techSync.batches.length === 0; text: qsTr("None. Every batch was accepted.")
                       font.pixelSize: Theme.smallSize; color: Theme.muted }
            ListView {
                objectName: "quarantineList"
                Layout.fillWidth: true; Layout.fillHeight: true; clip: true; spacing: 8
                model: techSync.batches
                delegate: Rectangle {
                    width: ListView.view.width; height: 118
                    color: Theme.panel; border.color: Theme.warn; border.width: 2; radius: Theme.radius
                    RowLayout {
                        anchors.fill: parent; anchors.margins: 10; spacing: Theme.gap
                        ColumnLayout {
                            Layout.fillWidth: true; spacing: 2
                            Text { Layout.fillWidth: true; elide: Text.ElideMiddle; color: Theme.ink
                                   font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize; font.bold: true
                                   text: qsTr("%1 rows, HTTP %2, %3").arg(modelData.rows).arg(modelData.http).arg(modelData.since) }
                            Text { objectName: "quarantineReason"; Layout.fillWidth: true; color: Theme.ink
                                   wrapMode: Text.Wrap; maximumLineCount: 2; elide: Text.ElideRight
                                   font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize; text: modelData.reason }
                        }
                        BigButton { objectName: "retry_" + modelData.batch; text: qsTr("Retry")
                                    implicitWidth: 160; implicitHeight: Theme.touchMin
                                    onClicked: techSync.retry(modelData.batch) }
                    }
                }
            }
        }
    }
}

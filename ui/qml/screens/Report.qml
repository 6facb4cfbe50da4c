import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Station

// The resident's report: sections that scroll on the left (urgent notice first), the QR code on the right,
// "Print my report" and "Finish" at the foot. Every word comes from the `report` view-model.
ScreenPage {
    id: page
    title: qsTr("Your report")
    spokenIntro: report.spokenSummary
    helpText: qsTr("Scroll with your finger to read all of your report. Staff can explain any result.")

    function toneColour(tone) {
        return tone === "urgent" ? Theme.danger : tone === "warn" ? Theme.warn : tone === "good" ? Theme.ok : Theme.ink
    }

    footerExtra: [
        BigButton {
            objectName: "printButton"
            text: report.printing ? qsTr("Printing…") : qsTr("Print my report")
            enabled: report.hasReport && !report.printing
            implicitHeight: Theme.touchMin
            onClicked: report.printReport()
        },
        BigButton {
            objectName: "finishButton"
            kind: "ok"
            text: qsTr("Finish")
            implicitHeight: Theme.touchMin
            onClicked: report.finish()
        }
    ]

    RowLayout {
        anchors.fill: parent
        spacing: Theme.gap

        Flickable {
            id: scroller
            objectName: "reportScroll"
            Layout.fillWidth: true; Layout.fillHeight: true
            contentHeight: column.implicitHeight
            clip: true
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar { policy: ScrollBar.AlwaysOn; width: 20 }

            ColumnLayout {
                id: column
                width: scroller.width - 32
                spacing: Theme.gap / 2

                BodyText {
                    objectName: "reportHeader"
                    Layout.fillWidth: true
                    text: report.header
                    color: Theme.muted
                }
                BodyText {
                    visible: !report.hasReport
                    Layout.fillWidth: true
                    text: qsTr("There is no report to show.")
                }

                Repeater {
                    model: report.sections
                    delegate: Rectangle {
                        id: sectionBox
                        required property var modelData
                        objectName: "section_" + modelData.key
                        Layout.fillWidth: true
                        implicitHeight: sectionColumn.implicitHeight + 2 * Theme.gap
                        color: modelData.key === "urgent" ? "#FDECEC" : Theme.panel
                        border.color: modelData.key === "urgent" ? Theme.danger : Theme.line
                        border.width: modelData.key === "urgent" ? 4 : 1
                        radius: Theme.radius

                        ColumnLayout {
                            id: sectionColumn
                            anchors { left: parent.left; right: parent.right; top: parent.top; margins: Theme.gap }
                            spacing: 10
                            Text {
                                objectName: "sectionTitle_" + sectionBox.modelData.key
                                Layout.fillWidth: true
                                text: (sectionBox.modelData.key === "urgent" ? "⚠ " : "") + sectionBox.modelData.title
                                color: page.toneColour(sectionBox.modelData.tone)
                                font.family: Theme.fontFamily; font.pixelSize: 34; font.bold: true
                                wrapMode: Text.Wrap
                            }
                            Repeater {
                                model: sectionBox.modelData.rows
                                delegate: ColumnLayout {
                                    id: rowBox
                                    required property var modelData
                                    Layout.fillWidth: true
                                    spacing: 2
                                    RowLayout {
                                        Layout.fillWidth: true
                                        spacing: Theme.gap
                                        BodyText {
                                            Layout.fillWidth: true
                                            text: rowBox.modelData.label
                                            font.bold: true
                                            color: page.toneColour(rowBox.modelData.tone)
                                        }
                                        BodyText {
                                            visible: rowBox.modelData.value !== ""
                                            Layout.maximumWidth: column.width * 0.5
                                            horizontalAlignment: Text.AlignRight
                                            text: rowBox.modelData.value
                                            font.bold: true
                                        }
                                    }
                                    BodyText {
                                        visible: rowBox.modelData.detail !== ""
                                        Layout.fillWidth: true
                                        text: rowBox.modelData.detail
                                        font.pixelSize: Theme.smallSize
                                        color: Theme.muted
                                    }
                                    Rectangle { Layout.fillWidth: true; height: 1; color: Theme.secondary }
                                }
                            }
                            Flow {
                                objectName: "trendCharts"
                                visible: sectionBox.modelData.key === "trend"
                                Layout.fillWidth: true
                                spacing: Theme.gap
                                Repeater {
                                    model: sectionBox.modelData.key === "trend" ? report.trends : []
                                    delegate: Image {
                                        required property var modelData
                                        objectName: "trendChart_" + modelData.item
                                        source: modelData.source
                                        width: 360; height: 140
                                        cache: false
                                        fillMode: Image.PreserveAspectFit
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        ColumnLayout {
            Layout.preferredWidth: 300
            Layout.maximumWidth: 300
            Layout.fillHeight: true
            spacing: 12
            Image {
                objectName: "reportQr"
                visible: report.hasReport
                Layout.alignment: Qt.AlignHCenter
                Layout.preferredWidth: 240; Layout.preferredHeight: 240
                source: report.qrSource
                cache: false
                smooth: false
                fillMode: Image.PreserveAspectFit
            }
            BodyText {
                visible: report.hasReport
                Layout.fillWidth: true
                horizontalAlignment: Text.AlignHCenter
                font.pixelSize: Theme.smallSize
                text: qsTr("Scan with your phone to keep this report")
            }
            BodyText {
                objectName: "printStatus"
                visible: report.printMessage !== ""
                Layout.fillWidth: true
                font.pixelSize: Theme.smallSize
                font.bold: true
                text: report.printMessage
            }
            Item { Layout.fillHeight: true }
        }
    }
}

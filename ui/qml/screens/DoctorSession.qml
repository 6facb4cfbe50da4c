import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Station

// One session under review: results, the resident's history (trend charts), the exercise prescription
// with the doctor's changes, and the note. "Sign and mark reviewed" saves it and returns to the queue.
ScreenPage {
    id: page
    title: qsTr("Review a session")
    staffScreen: true
    showHelp: false
    spokenIntro: qsTr("Check the results, add a note, then sign.")
    property string tab: "results"
    footerExtra: [
        BigButton { objectName: "backButton"; kind: "secondary"; text: qsTr("Back to list")
                    onClicked: station.go("DoctorQueue") },
        BigButton { objectName: "signReviewButton"; kind: "ok"; text: qsTr("Sign and mark reviewed")
                    onClicked: doctor.signReview() },
        BigButton { objectName: "signOutButton"; kind: "secondary"; text: qsTr("Sign out")
                    onClicked: station.endSession() }
    ]

    function openTab(name) {
        page.tab = name
        if (name === "history") doctor.viewHistory()
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8
        BodyText {
            objectName: "sessionHeading"
            Layout.fillWidth: true
            visible: !Qt.inputMethod.visible
            text: doctor.sessionHeading
            font.bold: true
            elide: Text.ElideRight; maximumLineCount: 1
        }
        Flow {
            id: sessionBadgeFlow
            objectName: "sessionBadges"
            Layout.fillWidth: true
            visible: !Qt.inputMethod.visible && page.tab === "results" && doctor.sessionBadges.length > 0
            spacing: 8
            Repeater {
                model: doctor.sessionBadges
                DoctorBadge { kind: modelData.kind; symbol: modelData.symbol; label: modelData.text
                              maxWidth: sessionBadgeFlow.width }
            }
        }
        BodyText { objectName: "reviewError"; Layout.fillWidth: true; visible: text !== ""; text: doctor.error
                   color: Theme.danger; font.bold: true }
        RowLayout {
            Layout.fillWidth: true; Layout.fillHeight: true
            spacing: Theme.gap
            ColumnLayout {
                id: tabColumn
                // five tabs must fit above the footer even under an urgent notice and its flags (the fifth,
                // Camera pictures, was cut off at 80 px each): 62 px, over the 60 px touch minimum
                readonly property real tabHeight: 62
                Layout.alignment: Qt.AlignTop
                Layout.preferredWidth: 300; Layout.maximumWidth: 300; Layout.minimumWidth: 300
                spacing: 6
                Repeater {
                    model: [{ name: "results", text: qsTr("Results") }, { name: "history", text: qsTr("History") },
                            { name: "prescription", text: qsTr("Exercise plan") }, { name: "note", text: qsTr("Note") },
                            { name: "camera", text: qsTr("Camera pictures") }]
                    BigButton {
                        objectName: "tab_" + modelData.name
                        Layout.fillWidth: true
                        implicitWidth: 300; implicitHeight: tabColumn.tabHeight
                        textSize: Theme.smallSize
                        kind: page.tab === modelData.name ? "primary" : "secondary"
                        text: (page.tab === modelData.name ? "▶ " : "") + modelData.text
                        onClicked: page.openTab(modelData.name)
                    }
                }
            }
            StackLayout {
                Layout.fillWidth: true; Layout.fillHeight: true
                currentIndex: ["results", "history", "prescription", "note", "camera"].indexOf(page.tab)

                // ---- results ----
                ColumnLayout {
                    spacing: 4
                    BodyText { objectName: "nationalGrade"; Layout.fillWidth: true; visible: text !== ""
                               text: doctor.nationalGrade; font.pixelSize: Theme.smallSize; font.bold: true }
                    ListView {
                        id: resultsList
                        objectName: "resultsList"
                        Layout.fillWidth: true; Layout.fillHeight: true
                        clip: true
                        model: doctor.results
                        ScrollBar.vertical: ScrollBar { width: 16; policy: ScrollBar.AsNeeded }
                        header: RowLayout {
                            width: resultsList.width - 20
                            spacing: 12
                            Repeater {
                                model: [[qsTr("Item"), 260], [qsTr("Value"), 200], [qsTr("Grade"), 150],
                                        [qsTr("Classes and flags"), -1]]
                                Text { text: modelData[0]; Layout.preferredWidth: modelData[1]
                                       Layout.fillWidth: modelData[1] < 0; font.family: Theme.fontFamily
                                       font.pixelSize: Theme.smallSize; font.bold: true; color: Theme.muted }
                            }
                        }
                        delegate: Rectangle {
                            objectName: "result_" + modelData.item
                            required property var modelData
                            width: resultsList.width - 20
                            height: Math.max(52, resultRow.implicitHeight + 10)
                            color: modelData.flagged ? Theme.warnBack : "transparent"
                            border.color: Theme.line; border.width: modelData.flagged ? 1 : 0
                            RowLayout {
                                id: resultRow
                                anchors.fill: parent; anchors.leftMargin: 4
                                spacing: 12
                                Text { Layout.preferredWidth: 260; text: modelData.label; wrapMode: Text.Wrap
                                       font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize; color: Theme.ink }
                                Text { Layout.preferredWidth: 200; text: modelData.value + " " + modelData.unit
                                       wrapMode: Text.Wrap; font.italic: modelData.notMeasured === true
                                       font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize; font.bold: true
                                       color: Theme.ink }
                                Text { Layout.preferredWidth: 150; text: modelData.grade; wrapMode: Text.Wrap
                                       font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize; color: Theme.ink }
                                Text { Layout.fillWidth: true; wrapMode: Text.Wrap
                                       text: (modelData.flagged ? "▲ " : "")
                                             + [modelData.classes, modelData.flags, modelData.deviations || ""]
                                                 .filter(function(s) { return s !== "" }).join("; ")
                                       font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize; color: Theme.ink }
                            }
                        }
                    }
                }

                // ---- history ----
                ColumnLayout {
                    spacing: 8
                    BodyText {
                        objectName: "historyText"
                        Layout.fillWidth: true; font.pixelSize: Theme.smallSize
                        text: doctor.visitCount > 1 ? qsTr("%1 visits, oldest on the left.").arg(doctor.visitCount)
                              : qsTr("No earlier visits to compare with.")
                    }
                    Item { Layout.fillHeight: true; visible: doctor.history.length === 0 }
                    Flickable {
                        objectName: "historyFlick"
                        visible: doctor.history.length > 0
                        Layout.fillWidth: true; Layout.fillHeight: true
                        clip: true
                        contentHeight: chartGrid.implicitHeight
                        ScrollBar.vertical: ScrollBar { width: 16; policy: ScrollBar.AlwaysOn }
                        GridLayout {
                            id: chartGrid
                            width: parent.width - 20
                            columns: 2; rowSpacing: 12; columnSpacing: 12
                            Repeater {
                                model: doctor.history
                                DoctorTrendChart {
                                    objectName: "trend_" + modelData.item
                                    Layout.fillWidth: true; Layout.preferredHeight: 250
                                    series: modelData
                                }
                            }
                        }
                    }
                }

                // ---- prescription ----
                Flickable {
                    id: rxFlick
                    objectName: "rxFlick"
                    clip: true
                    contentHeight: rxColumn.implicitHeight
                    ScrollBar.vertical: ScrollBar { width: 16; policy: ScrollBar.AlwaysOn }
                    ColumnLayout {
                        id: rxColumn
                        width: rxFlick.width - 20
                        spacing: 12
                        BodyText { Layout.fillWidth: true; font.pixelSize: Theme.smallSize
                                   text: qsTr("Touch a choice to change that part; touch it again to keep the original.") }
                        Repeater {
                            model: doctor.prescription
                            ColumnLayout {
                                objectName: "rx_" + modelData.field
                                Layout.fillWidth: true
                                spacing: 6
                                property var fieldData: modelData
                                BodyText {
                                    objectName: "rxText_" + modelData.field
                                    Layout.fillWidth: true; font.pixelSize: Theme.smallSize
                                    text: "<b>" + modelData.label + (modelData.changed ? " ✎ " + qsTr("(changed)") : "")
                                          + ":</b> " + modelData.text
                                    textFormat: Text.StyledText
                                }
                                Flow {
                                    Layout.fillWidth: true; spacing: 8
                                    Repeater {
                                        model: modelData.choices
                                        BigButton {
                                            objectName: "rx_" + parent.parent.fieldData.field + "_" + modelData.id
                                            implicitHeight: Theme.touchMin; implicitWidth: Math.min(420, Math.max(
                                                200, contentItem.implicitWidth + 32))
                                            textSize: Theme.smallSize
                                            kind: modelData.selected ? "primary" : "secondary"
                                            text: (modelData.selected ? "✓ " : "") + modelData.text
                                            onClicked: doctor.choosePrescription(parent.parent.fieldData.field, modelData.id)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }

                // ---- note ----
                ColumnLayout {
                    spacing: 8
                    BodyText { Layout.fillWidth: true; font.pixelSize: Theme.smallSize
                               text: qsTr("Your note for the resident's record (it is sent with the review).") }
                    ScrollView {
                        Layout.fillWidth: true; Layout.fillHeight: true
                        TextArea {
                            objectName: "noteField"
                            wrapMode: TextEdit.Wrap
                            font.family: Theme.fontFamily; font.pixelSize: Theme.bodySize
                            placeholderText: qsTr("Write a note")
                            Component.onCompleted: text = doctor.note
                            onTextChanged: doctor.note = text
                            background: Rectangle { color: Theme.panel; border.color: Theme.line; border.width: 3
                                                    radius: Theme.radius }
                        }
                    }
                }

                // ---- camera pictures and the count correction ----
                DoctorEvidence { }
            }
        }
    }
}

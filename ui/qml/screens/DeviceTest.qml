import QtQuick
import QtQuick.Layouts
import Station
import "live"

// One device test: big steps, the live view, the trial count and each trial's value with the one kept.
// Errors are a calm message with "Try again" and "Skip this test"; staff help is in the header.
ScreenPage {
    id: page
    objectName: "deviceTestScreen"
    title: deviceTest.title
    spokenIntro: deviceTest.spoken
    helpText: qsTr("Staff can check the device, help you use it, or skip this test for today.")

    readonly property string phase: deviceTest.phase
    readonly property bool problem: phase === "error" || phase === "locked" || phase === "unavailable"
    readonly property string sideText: deviceTest.side === "right" ? qsTr("Right hand")
                                       : deviceTest.side === "left" ? qsTr("Left hand") : ""

    function sideName(side) {
        return side === "right" ? qsTr("Right hand") : side === "left" ? qsTr("Left hand") : ""
    }

    RowLayout {
        anchors.fill: parent
        spacing: Theme.gap

        ColumnLayout {
            Layout.preferredWidth: 600; Layout.maximumWidth: 600; Layout.fillHeight: true
            spacing: 12

            Heading {
                objectName: "trialText"
                Layout.fillWidth: true
                visible: !page.problem || page.phase === "error"
                text: page.phase === "done" ? qsTr("All done")
                      : qsTr("Try %1 of %2").arg(deviceTest.trialNumber).arg(deviceTest.trialCount)
                        + (page.sideText !== "" ? " · " + page.sideText : "")
            }
            BodyText {
                objectName: "statusText"
                Layout.fillWidth: true
                font.bold: true
                color: page.phase === "done" || page.phase === "saved" || page.phase === "resting" ? Theme.ok : Theme.ink
                visible: !page.problem
                text: page.phase === "intro" ? qsTr("Press Start when you are ready.")
                      : page.phase === "connecting" ? qsTr("Getting the device ready. Please wait.")
                      : page.phase === "measuring" ? qsTr("Measuring now…")
                      : page.phase === "saved" ? qsTr("Saved. Press Start for the next try.")
                      : page.phase === "resting" ? qsTr("Saved. Now rest quietly.")
                      : page.phase === "done" ? qsTr("Saved. Press Finish to go on.") : ""
            }

            // the steps (hidden once the results matter more, or when there is a problem)
            Repeater {
                model: page.problem || page.phase === "done" || (deviceTest.results.length > 0 && page.phase !== "intro") ? [] : deviceTest.steps
                RowLayout {
                    Layout.fillWidth: true; spacing: 12
                    Rectangle {
                        Layout.preferredWidth: 44; Layout.preferredHeight: 44; Layout.alignment: Qt.AlignTop
                        radius: 22; color: Theme.primary
                        Text { anchors.centerIn: parent; text: index + 1; color: Theme.primaryInk; font.bold: true
                               font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize }
                    }
                    BodyText { objectName: "step_" + index; Layout.fillWidth: true; text: modelData }
                }
            }

            Rectangle {
                objectName: "messagePanel"
                Layout.fillWidth: true
                visible: page.problem
                implicitHeight: messageColumn.implicitHeight + 2 * Theme.gap
                radius: Theme.radius; color: Theme.warnBack; border.color: Theme.warn; border.width: 3
                ColumnLayout {
                    id: messageColumn
                    anchors { left: parent.left; right: parent.right; top: parent.top; margins: Theme.gap }
                    spacing: 12
                    BodyText { objectName: "deviceMessage"; Layout.fillWidth: true; font.bold: true
                               text: deviceTest.message }
                    BodyText { Layout.fillWidth: true; color: Theme.ink
                               text: page.phase === "error" ? qsTr("Nothing was saved from that try.")
                                     : qsTr("You can skip this test and do the others.") }
                }
            }

            BodyText {
                objectName: "deviceNote"
                Layout.fillWidth: true
                visible: deviceTest.note !== ""
                text: deviceTest.note
            }

            // the trials stored so far, with the one the item's rule keeps
            Repeater {
                model: deviceTest.results
                Rectangle {
                    objectName: "result_" + modelData.trial
                    property bool best: modelData.best
                    property string text: resultText.text
                    Layout.fillWidth: true; Layout.preferredHeight: 56
                    radius: Theme.radius
                    color: modelData.best ? "#E3F1E6" : Theme.panel
                    border.color: modelData.best ? Theme.ok : Theme.line; border.width: modelData.best ? 3 : 1
                    RowLayout {
                        anchors.fill: parent; anchors.leftMargin: 16; anchors.rightMargin: 16; spacing: 12
                        BodyText {
                            id: resultText
                            Layout.fillWidth: true; elide: Text.ElideRight; wrapMode: Text.NoWrap
                            text: qsTr("Try %1").arg(modelData.trial)
                                  + (modelData.side !== "" ? " · " + page.sideName(modelData.side) : "")
                                  + ": " + modelData.text
                        }
                        Text {
                            objectName: "bestMark"
                            visible: modelData.best
                            text: "★ " + deviceTest.bestLabel
                            color: Theme.ok; font.bold: true
                            font.family: Theme.fontFamily; font.pixelSize: Theme.bodySize
                        }
                    }
                }
            }
            Item { Layout.fillHeight: true }
        }

        Rectangle {
            objectName: "liveView"
            Layout.fillWidth: true; Layout.fillHeight: true
            radius: Theme.radius; color: Theme.panel; border.color: Theme.line; border.width: 2
            Loader {
                id: liveLoader
                anchors.fill: parent
                source: deviceTest.liveKind === "cuff" ? "live/CuffPressure.qml"
                        : deviceTest.liveKind === "force" ? "live/ForceCurve.qml"
                        : deviceTest.liveKind === "flow" ? "live/FlowVolume.qml"
                        : deviceTest.liveKind === "sway" ? "live/SwayTrace.qml"
                        : deviceTest.liveKind === "pleth" ? "live/Pleth.qml"
                        : deviceTest.liveKind === "vital" ? "live/VitalNumber.qml"
                        : deviceTest.liveKind === "number" ? "live/LiveNumber.qml" : ""
            }
            Rectangle {
                objectName: "restPanel"
                anchors.fill: parent
                visible: page.phase === "resting" && deviceTest.restSecondsLeft > 0
                radius: Theme.radius; color: Theme.warnBack; border.color: Theme.warn; border.width: 3
                ColumnLayout {
                    anchors.centerIn: parent; width: parent.width - 2 * Theme.gap; spacing: Theme.gap
                    Heading { Layout.fillWidth: true; horizontalAlignment: Text.AlignHCenter
                              text: qsTr("Rest quietly") }
                    BodyText {
                        Layout.fillWidth: true; horizontalAlignment: Text.AlignHCenter
                        text: deviceTest.grade3Rest
                              ? qsTr("Your blood pressure was high. Sit still and relax before we measure again.")
                              : qsTr("Sit still and relax. The next reading starts after the rest.")
                    }
                    Text {
                        objectName: "restCountdown"
                        Layout.fillWidth: true; horizontalAlignment: Text.AlignHCenter
                        text: Math.floor(deviceTest.restSecondsLeft / 60) + ":"
                              + ("0" + deviceTest.restSecondsLeft % 60).slice(-2)
                        font.family: Theme.fontFamily; font.pixelSize: Theme.hugeSize; font.bold: true
                        color: Theme.warn
                    }
                }
            }
        }
    }

    footerExtra: [
        BigButton {
            objectName: "startButton"
            visible: page.phase === "intro" || page.phase === "saved" || page.phase === "resting"
                     || page.phase === "measuring" || page.phase === "connecting"
            enabled: (page.phase === "intro" || page.phase === "saved") && deviceTest.restSecondsLeft === 0
            text: page.phase === "intro" ? qsTr("Start") : qsTr("Next try")
            onClicked: deviceTest.start()
        },
        BigButton {
            objectName: "tryAgainButton"
            visible: page.phase === "error"
            text: qsTr("Try again")
            onClicked: deviceTest.start()
        },
        BigButton {
            objectName: "finishButton"
            visible: page.phase === "done"
            kind: "ok"
            text: qsTr("Finish")
            onClicked: deviceTest.finish()
        },
        BigButton {
            objectName: "skipButton"
            visible: page.phase !== "done"
            kind: "secondary"
            text: qsTr("Skip this test")
            onClicked: deviceTest.skip()
        }
    ]
}

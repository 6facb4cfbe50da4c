import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Station

// Self-assessment questionnaires: one question a screen, the answers as big buttons, read aloud on request.
// Phases (questionnaire.phase): choose, question, urgent, result, stopped. No logic here: the view-model decides.
ScreenPage {
    id: page
    title: questionnaire.phase === "choose" ? qsTr("Questionnaires") : questionnaire.title
    helpText: qsTr("Touch the answer that fits you best. Back changes an earlier answer; Stop ends the questionnaire.")
    readonly property var q: questionnaire

    footerExtra: [
        BigButton {
            objectName: "qBack"
            visible: page.q.phase === "question"
            kind: "secondary"; implicitHeight: Theme.touchMin
            enabled: page.q.canGoBack
            text: qsTr("◀ Back")
            onClicked: page.q.back()
        },
        BigButton {
            objectName: "qStop"
            visible: page.q.phase === "question"
            kind: "danger"; implicitHeight: Theme.touchMin
            text: qsTr("■ Stop")
            onClicked: page.q.stop()
        },
        BigButton {
            objectName: "qLeave"
            visible: page.q.phase === "choose"
            kind: "secondary"; implicitHeight: Theme.touchMin
            text: qsTr("Back to the tests")
            onClicked: page.q.leave()
        }
    ]

    // ---- choose a questionnaire ---------------------------------------------------------------
    ColumnLayout {
        anchors.fill: parent
        visible: page.q.phase === "choose"
        spacing: 12
        BodyText { objectName: "qChooseIntro"; Layout.fillWidth: true; text: page.q.chooseIntro
                   font.pixelSize: Theme.smallSize; maximumLineCount: 2; elide: Text.ElideRight }
        GridLayout {
            Layout.fillWidth: true; Layout.fillHeight: true
            columns: 2; rowSpacing: 10; columnSpacing: 12
            Repeater {
                model: page.q.offered
                Button {
                    id: tile
                    required property var modelData
                    objectName: "qOpen_" + modelData.id
                    Layout.fillWidth: true; Layout.fillHeight: true
                    Layout.preferredWidth: 1; Layout.preferredHeight: 1; Layout.maximumHeight: 110
                    padding: 8
                    Accessible.name: modelData.title
                    onClicked: page.q.open(modelData.id)
                    background: Rectangle {
                        radius: Theme.radius; color: modelData.done ? "#E6F2E8" : Theme.panel
                        border.width: modelData.recommended ? 4 : 2
                        border.color: modelData.done ? Theme.ok : modelData.recommended ? Theme.primary : Theme.line
                        opacity: tile.down ? 0.8 : 1.0
                    }
                    contentItem: ColumnLayout {
                        spacing: 2
                        Text { Layout.fillWidth: true; text: (modelData.done ? "✓ " : modelData.recommended ? "★ " : "")
                                                             + modelData.title
                               font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize + 2; font.bold: true
                               color: Theme.ink; wrapMode: Text.Wrap; maximumLineCount: 2; elide: Text.ElideRight }
                        Text { Layout.fillWidth: true
                               text: modelData.questions + (modelData.status !== "" ? " · " + modelData.status : "")
                               font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize
                               color: Theme.muted; elide: Text.ElideRight }
                    }
                }
            }
        }
    }

    // ---- one question -------------------------------------------------------------------------
    ColumnLayout {
        anchors.fill: parent
        visible: page.q.phase === "question"
        spacing: 8
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.gap
            Text {
                objectName: "qProgress"
                text: page.q.progressText
                font.family: Theme.fontFamily; font.pixelSize: Theme.bodySize; font.bold: true; color: Theme.primary
            }
            Rectangle {  // the progress as a bar as well as in words
                Layout.fillWidth: true; height: 14; radius: 7; color: Theme.secondary
                border.color: Theme.line; border.width: 1
                Rectangle { width: parent.width * page.q.position / Math.max(1, page.q.count); height: parent.height
                            radius: 7; color: Theme.primary }
            }
            BigButton { objectName: "qReadQuestion"; kind: "secondary"; implicitHeight: 64; implicitWidth: 230
                        textSize: Theme.smallSize; text: qsTr("Read the question"); onClicked: page.q.readQuestion() }
            BigButton { objectName: "qReadOptions"; kind: "secondary"; implicitHeight: 64; implicitWidth: 230
                        textSize: Theme.smallSize; text: qsTr("Read the answers"); onClicked: page.q.readOptions() }
        }
        BodyText {
            objectName: "qPreamble"
            Layout.fillWidth: true
            visible: text !== ""
            text: page.q.preambleText
            font.pixelSize: Theme.smallSize; color: Theme.muted
            maximumLineCount: 3; elide: Text.ElideRight
        }
        Text {
            objectName: "qQuestion"
            Layout.fillWidth: true; Layout.preferredHeight: 130; Layout.minimumHeight: 64
            text: page.q.questionText
            font.family: Theme.fontFamily; font.pixelSize: 36; font.bold: true; color: Theme.ink
            wrapMode: Text.Wrap; fontSizeMode: Text.Fit; minimumPixelSize: Theme.smallSize
            verticalAlignment: Text.AlignVCenter
        }
        BodyText {
            objectName: "qOriginal"
            Layout.fillWidth: true
            visible: text !== ""
            text: page.q.originalText
            font.pixelSize: Theme.smallSize; color: Theme.ink
            maximumLineCount: 2; elide: Text.ElideRight
        }
        BodyText {
            objectName: "qSuggestionNote"
            Layout.fillWidth: true
            visible: page.q.options.some(o => o.suggested)
            text: qsTr("◆ matches today's measurement. Please choose for yourself.")
            font.pixelSize: Theme.smallSize; color: Theme.primary
            maximumLineCount: 1; elide: Text.ElideRight
        }
        BodyText {
            objectName: "qWordingNote"
            Layout.fillWidth: true
            visible: page.q.wordingNote !== ""
            text: "ⓘ " + page.q.wordingNote
            font.pixelSize: Theme.smallSize; color: Theme.warn
            maximumLineCount: 1; elide: Text.ElideRight
        }
        GridLayout {
            objectName: "qChoices"
            visible: page.q.itemType === "choice"
            Layout.fillWidth: true; Layout.fillHeight: true
            columns: page.q.options.length === 4 ? 2 : page.q.options.length >= 3 ? 3 : 1
            // every answer at least a finger's height: the question's type shrinks first
            Layout.minimumHeight: Math.ceil(page.q.options.length / columns) * (Theme.touchMin + 10)
            rowSpacing: 10; columnSpacing: 12
            Repeater {
                model: page.q.itemType === "choice" ? page.q.options : []
                BigButton {
                    required property var modelData
                    required property int index
                    objectName: "qOption_" + index
                    Layout.fillWidth: true; Layout.fillHeight: true; Layout.maximumHeight: 110
                    Layout.preferredWidth: 1
                    implicitHeight: Theme.touchMin
                    kind: modelData.selected ? "ok" : "secondary"
                    textSize: page.q.longOptions ? Theme.smallSize : Theme.bodySize
                    text: (modelData.selected ? "✓ " : "") + (modelData.suggested ? "◆ " : "") + modelData.text
                    Accessible.name: modelData.text
                    onClicked: page.q.choose(modelData.code)
                    onPressAndHold: page.q.readOption(modelData.code)
                }
            }
        }
        // days: the eight possible answers as buttons
        RowLayout {
            visible: page.q.itemType === "integer" && page.q.isDays
            Layout.fillWidth: true; Layout.fillHeight: true
            spacing: 10
            Repeater {
                model: page.q.itemType === "integer" && page.q.isDays ? 8 : 0
                BigButton {
                    required property int index
                    objectName: "qDays_" + index
                    Layout.fillWidth: true; Layout.maximumHeight: 130; implicitWidth: 100
                    implicitHeight: Theme.buttonHeight + 20
                    readonly property bool chosen: page.q.numberAnswered && page.q.numberValue === index
                    kind: chosen ? "ok" : "secondary"
                    textSize: Theme.headingSize
                    text: (chosen ? "✓" : "") + index
                    Accessible.name: qsTr("%1 days").arg(index)
                    onClicked: page.q.setNumber(index)
                }
            }
        }
        // minutes: a big number with steps, then Next or "Don't know"
        ColumnLayout {
            visible: page.q.itemType === "integer" && !page.q.isDays
            Layout.fillWidth: true; Layout.fillHeight: true
            spacing: 10
            RowLayout {
                Layout.alignment: Qt.AlignHCenter
                spacing: 12
                BigButton { objectName: "qMinus30"; kind: "secondary"; implicitWidth: 150; text: "−30"
                            Accessible.name: qsTr("30 minutes less"); onClicked: page.q.adjust(-30) }
                BigButton { objectName: "qMinus5"; kind: "secondary"; implicitWidth: 150; text: "−5"
                            Accessible.name: qsTr("5 minutes less"); onClicked: page.q.adjust(-5) }
                Text { objectName: "qNumber"; Layout.preferredWidth: 320; horizontalAlignment: Text.AlignHCenter
                       text: page.q.numberText; font.family: Theme.fontFamily; font.pixelSize: 56; font.bold: true
                       color: Theme.ink; fontSizeMode: Text.HorizontalFit; minimumPixelSize: Theme.smallSize }
                BigButton { objectName: "qPlus5"; kind: "secondary"; implicitWidth: 150; text: "+5"
                            Accessible.name: qsTr("5 minutes more"); onClicked: page.q.adjust(5) }
                BigButton { objectName: "qPlus30"; kind: "secondary"; implicitWidth: 150; text: "+30"
                            Accessible.name: qsTr("30 minutes more"); onClicked: page.q.adjust(30) }
            }
            RowLayout {
                Layout.alignment: Qt.AlignHCenter
                spacing: Theme.gap
                BigButton { objectName: "qNumberNext"; kind: "ok"; text: qsTr("That is right ▶")
                            onClicked: page.q.confirmNumber() }
                BigButton { objectName: "qDontKnow"; kind: "secondary"; visible: page.q.dontKnowAllowed
                            text: qsTr("I don't know"); onClicked: page.q.dontKnow() }
            }
            Item { Layout.fillHeight: true }
        }
    }

    // ---- help now (a safety rule fired) ---------------------------------------------------------
    Rectangle {
        objectName: "qUrgentPanel"
        anchors.fill: parent
        visible: page.q.phase === "urgent"
        color: Theme.warnBack; border.color: Theme.danger; border.width: 4; radius: Theme.radius
        ColumnLayout {
            anchors.fill: parent; anchors.margins: Theme.gap
            spacing: Theme.gap
            Heading { Layout.fillWidth: true; color: Theme.danger; text: qsTr("⚠ Help is here for you now") }
            BodyText { objectName: "qUrgentText"; Layout.fillWidth: true; Layout.fillHeight: true
                       text: page.q.urgentText; fontSizeMode: Text.Fit; minimumPixelSize: Theme.smallSize }
            BigButton { objectName: "qUrgentContinue"; kind: "ok"; Layout.alignment: Qt.AlignRight
                        text: qsTr("I have read this: continue"); onClicked: page.q.continueAfterUrgent() }
        }
    }

    // ---- the result, or "stopped: not scored" ---------------------------------------------------
    ColumnLayout {
        anchors.fill: parent
        visible: page.q.phase === "result" || page.q.phase === "stopped"
        spacing: Theme.gap
        Heading { objectName: "qResultTitle"; Layout.fillWidth: true
                  text: page.q.phase === "result" ? page.q.resultTitle : qsTr("Questionnaire stopped") }
        Text {
            objectName: "qResultValue"
            Layout.fillWidth: true; Layout.preferredHeight: 120
            text: page.q.resultValue
            font.family: Theme.fontFamily; font.pixelSize: page.q.phase === "result" ? Theme.headingSize : Theme.bodySize
            font.bold: page.q.phase === "result"; color: Theme.ink
            wrapMode: Text.Wrap; fontSizeMode: Text.Fit; minimumPixelSize: Theme.smallSize
        }
        BodyText { objectName: "qResultAdvice"; Layout.fillWidth: true; Layout.fillHeight: true
                   text: page.q.resultAdvice; fontSizeMode: Text.Fit; minimumPixelSize: Theme.smallSize }
        BigButton { objectName: "qResultContinue"; kind: "ok"; Layout.alignment: Qt.AlignRight
                    text: qsTr("Continue ▶"); onClicked: page.q.leave() }
    }
}

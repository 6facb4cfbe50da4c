import QtQuick
import QtQuick.Layouts
import Station

// The camera exercise test: instructions → framing check with the live picture → countdown → counting
// (picture with skeleton, big count, time left, form hints) → result. All logic lives in `cameraTest`.
ScreenPage {
    id: page
    title: cameraTest.title
    helpText: qsTr("The camera only counts your movements. No picture is stored.")
    readonly property string phase: cameraTest.phase
    readonly property bool live: phase === "framing" || phase === "countdown" || phase === "counting"

    footerExtra: [
        BigButton {
            objectName: "stopButton"
            visible: page.phase === "instructions" || page.live
            kind: "danger"; implicitHeight: Theme.touchMin
            text: qsTr("Stop the test")
            onClicked: cameraTest.stop()
        }
    ]

    // ---- instructions -------------------------------------------------------------------------
    ColumnLayout {
        objectName: "instructionsPanel"
        anchors.fill: parent
        visible: page.phase === "instructions"
        spacing: Theme.gap / 2
        Heading { Layout.fillWidth: true; text: qsTr("Get ready") }
        Repeater {
            model: cameraTest.steps
            RowLayout {
                Layout.fillWidth: true
                spacing: Theme.gap
                Rectangle {
                    Layout.alignment: Qt.AlignTop
                    width: 56; height: 56; radius: 28; color: Theme.primary
                    Text { anchors.centerIn: parent; text: index + 1; color: Theme.primaryInk
                           font.family: Theme.fontFamily; font.pixelSize: Theme.bodySize; font.bold: true }
                }
                BodyText { objectName: "step_" + index; Layout.fillWidth: true; text: modelData
                           font.pixelSize: Theme.bodySize + 4 }
            }
        }
        Item { Layout.fillHeight: true }
        BigButton {
            objectName: "readyButton"
            Layout.alignment: Qt.AlignHCenter
            Layout.preferredWidth: 520
            kind: "ok"
            text: qsTr("I am ready")
            textSize: Theme.headingSize
            onClicked: cameraTest.ready()
        }
    }

    // ---- live picture with the side panel ----------------------------------------------------
    RowLayout {
        anchors.fill: parent
        visible: page.live
        spacing: Theme.gap
        Rectangle {
            id: pictureFrame
            objectName: "pictureFrame"
            Layout.fillHeight: true
            Layout.preferredWidth: height * 4 / 3
            color: "#202020"; radius: Theme.radius
            Image {
                objectName: "cameraPicture"
                anchors.fill: parent; anchors.margins: 4
                visible: cameraTest.hasPicture
                source: cameraTest.hasPicture && page.live ? "image://camera/exercise?" + camera.revision : ""
                cache: false
                smooth: false
                fillMode: Image.PreserveAspectFit
            }
            BodyText {
                anchors.centerIn: parent
                visible: !cameraTest.hasPicture
                color: "white"
                text: qsTr("Starting the camera…")
            }
            Rectangle {  // the countdown, big over the picture
                anchors.centerIn: parent
                visible: page.phase === "countdown"
                width: 260; height: 260; radius: 130
                color: Theme.primary; opacity: 0.92
                Text {
                    objectName: "countdownText"
                    anchors.centerIn: parent
                    text: cameraTest.countdown
                    color: Theme.primaryInk; font.family: Theme.fontFamily; font.bold: true
                    font.pixelSize: 150
                }
            }
            Rectangle {  // counting paused: said over the picture as well
                objectName: "pausedBanner"
                anchors { left: parent.left; right: parent.right; bottom: parent.bottom; margins: 12 }
                visible: page.phase === "counting" && cameraTest.paused
                height: pausedText.implicitHeight + 24
                radius: Theme.radius; color: Theme.warnBack; border.color: Theme.warn; border.width: 3
                BodyText { id: pausedText; anchors.fill: parent; anchors.margins: 12; font.bold: true
                           text: qsTr("Counting is paused") }
            }
        }
        ColumnLayout {
            Layout.fillWidth: true; Layout.fillHeight: true
            spacing: Theme.gap / 2
            // framing: what to do to be seen well
            Heading {
                Layout.fillWidth: true
                visible: page.phase === "framing"
                text: qsTr("Let the camera see you")
            }
            BodyText {
                Layout.fillWidth: true
                visible: page.phase === "framing"
                color: Theme.muted
                text: qsTr("The test starts by itself when I can see you well.")
            }
            // counting: the count and the time left
            Text {
                objectName: "repCount"
                Layout.alignment: Qt.AlignHCenter
                visible: page.phase === "counting" || page.phase === "countdown"
                text: cameraTest.display
                color: Theme.ink; font.family: Theme.fontFamily; font.bold: true; font.pixelSize: 150
            }
            BodyText {
                Layout.alignment: Qt.AlignHCenter
                visible: page.phase === "counting" || page.phase === "countdown"
                text: cameraTest.countWord
                font.pixelSize: Theme.headingSize
            }
            BodyText {
                objectName: "timeLeft"
                Layout.alignment: Qt.AlignHCenter
                visible: page.phase === "counting" && cameraTest.clock !== ""
                text: cameraTest.clock
                font.pixelSize: Theme.headingSize; font.bold: true; color: Theme.primary
            }
            Rectangle {
                Layout.fillWidth: true
                Layout.preferredHeight: hintText.implicitHeight + 32
                visible: cameraTest.hint !== ""
                radius: Theme.radius
                color: cameraTest.paused || page.phase === "framing" ? Theme.warnBack : Theme.panel
                border.color: cameraTest.paused || page.phase === "framing" ? Theme.warn : Theme.line
                border.width: 3
                BodyText {
                    id: hintText
                    objectName: "hintText"
                    anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter
                              margins: 16 }
                    text: cameraTest.hint
                    font.bold: true
                }
            }
            Item { Layout.fillHeight: true }
            BigButton {
                objectName: "startNowButton"
                Layout.fillWidth: true
                visible: page.phase === "framing"
                text: qsTr("Start now")
                onClicked: cameraTest.startNow()
            }
        }
    }

    // ---- result, or why the test cannot run ---------------------------------------------------
    ColumnLayout {
        anchors.fill: parent
        visible: page.phase === "result" || page.phase === "not_measured" || page.phase === "unavailable"
                 || page.phase === "idle"
        spacing: Theme.gap / 2
        Item { Layout.fillHeight: true }
        Heading {
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            visible: page.phase === "result"
            text: qsTr("Finished. Well done!")
            font.pixelSize: Theme.titleSize
        }
        Text {
            objectName: "resultCount"
            Layout.alignment: Qt.AlignHCenter
            visible: page.phase === "result"
            text: cameraTest.display
            color: Theme.primary; font.family: Theme.fontFamily; font.bold: true; font.pixelSize: 130
        }
        BodyText {
            objectName: "resultText"
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            visible: page.phase === "result"
            text: cameraTest.resultText
            font.pixelSize: Theme.headingSize
        }
        Heading {  // the test did not run validly: no number at all, only why, and a way to try again
            objectName: "notMeasuredTitle"
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            visible: page.phase === "not_measured"
            text: qsTr("No score this time")
            font.pixelSize: Theme.titleSize
        }
        BodyText {
            objectName: "notMeasuredText"
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            visible: page.phase === "not_measured"
            text: cameraTest.resultText
            font.pixelSize: Theme.headingSize
        }
        BodyText {
            objectName: "problemText"
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            visible: page.phase === "unavailable"
            text: cameraTest.problem
            font.pixelSize: Theme.headingSize
        }
        Item { Layout.fillHeight: true }
        BigButton {
            objectName: "tryAgainButton"
            Layout.alignment: Qt.AlignHCenter
            Layout.preferredWidth: 520
            visible: page.phase === "not_measured"
            text: qsTr("Try again")
            textSize: Theme.headingSize
            onClicked: cameraTest.tryAgain()
        }
        BigButton {
            objectName: "continueButton"
            Layout.alignment: Qt.AlignHCenter
            Layout.preferredWidth: 520
            visible: page.phase !== "idle"
            kind: "ok"
            text: qsTr("Continue")
            textSize: Theme.headingSize
            onClicked: cameraTest.finish()
        }
    }
}

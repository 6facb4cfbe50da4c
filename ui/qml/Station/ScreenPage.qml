import QtQuick
import QtQuick.Layouts
import Station

// Every screen's frame: a header (title, language, voice, help), the screen's content, and a footer
// with the notice line and the idle warning. Nothing here blocks the screen: the help panel and the
// idle warning slide in above the footer and leave the content usable.
Rectangle {
    id: page
    property string title: ""
    property string spokenIntro: ""          // said once when the screen opens (if voice is on)
    property string helpText: ""             // shown in the help panel under "Please ask a member of staff"
    property bool showHelp: true
    property bool showLanguage: true
    property bool showVoice: true
    property bool staffScreen: false
    default property alias content: body.data
    property alias footerExtra: footerRow.data
    color: Theme.page

    Component.onCompleted: if (spokenIntro !== "") station.say(spokenIntro)

    Rectangle {
        id: header
        width: parent.width; height: 112
        color: page.staffScreen ? Theme.ink : Theme.primary
        RowLayout {
            anchors.fill: parent; anchors.leftMargin: Theme.margin; anchors.rightMargin: Theme.margin
            spacing: Theme.gap
            Text {
                objectName: "screenTitle"
                Layout.fillWidth: true
                text: page.title
                color: Theme.primaryInk; font.family: Theme.fontFamily; font.pixelSize: Theme.headingSize
                font.bold: true; elide: Text.ElideRight
            }
            Text {
                visible: page.staffScreen && station.staffName !== ""
                text: qsTr("Signed in: %1").arg(station.staffName)
                color: Theme.primaryInk; font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize
            }
            BigButton {
                objectName: "languageButton"
                visible: page.showLanguage && station.languages.length > 1
                kind: "secondary"; implicitHeight: Theme.touchMin; implicitWidth: 200
                text: station.language === "zh" ? "English" : "中文"
                Accessible.name: qsTr("Switch language")
                onClicked: station.setLanguage(station.language === "zh" ? "en" : "zh")
            }
            BigButton {
                objectName: "voiceButton"
                visible: page.showVoice
                kind: "secondary"; implicitHeight: Theme.touchMin; implicitWidth: 220
                text: voice.enabled ? qsTr("Voice: on") : qsTr("Voice: off")
                onClicked: voice.enabled = !voice.enabled
            }
            BigButton {
                objectName: "helpButton"
                visible: page.showHelp
                kind: "secondary"; implicitHeight: Theme.touchMin; implicitWidth: 200
                text: helpPanel.visible ? qsTr("Close help") : qsTr("Need help?")
                onClicked: helpPanel.visible = !helpPanel.visible
            }
        }
    }

    Item {
        id: body
        anchors { top: header.bottom; left: parent.left; right: parent.right; bottom: footer.top
                  leftMargin: Theme.margin; rightMargin: Theme.margin; topMargin: Theme.gap; bottomMargin: 8 }
    }

    Rectangle {
        id: helpPanel
        objectName: "helpPanel"
        visible: false
        anchors { left: parent.left; right: parent.right; bottom: footer.top }
        height: helpColumn.implicitHeight + 2 * Theme.gap
        color: Theme.warnBack; border.color: Theme.warn; border.width: 3
        ColumnLayout {
            id: helpColumn
            anchors { left: parent.left; right: parent.right; top: parent.top; margins: Theme.gap }
            BodyText { Layout.fillWidth: true; font.bold: true
                       text: qsTr("Please ask a member of staff at the desk. They can help you with any step.") }
            BodyText { Layout.fillWidth: true; visible: page.helpText !== ""; text: page.helpText }
        }
    }

    Rectangle {
        id: footer
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        height: station.idleSecondsLeft >= 0 ? 150 : (footerRow.visibleChildren.length > 0 || station.notice !== "" || endCheck.visible ? 112 : 0)
        color: station.idleSecondsLeft >= 0 ? Theme.warnBack : Theme.panel
        border.color: station.idleSecondsLeft >= 0 ? Theme.warn : "transparent"; border.width: 3
        RowLayout {
            anchors.fill: parent; anchors.leftMargin: Theme.margin; anchors.rightMargin: Theme.margin
            spacing: Theme.gap
            visible: station.idleSecondsLeft >= 0
            BodyText {
                objectName: "idleWarning"
                Layout.fillWidth: true; font.bold: true
                text: qsTr("Are you still there? This session will close in %1 seconds to protect your privacy.")
                      .arg(station.idleSecondsLeft)
            }
            BigButton { objectName: "stillHereButton"; text: qsTr("I'm still here"); kind: "ok"
                        onClicked: station.stillHere() }
        }
        RowLayout {
            anchors.fill: parent; anchors.leftMargin: Theme.margin; anchors.rightMargin: Theme.margin
            spacing: Theme.gap
            visible: station.idleSecondsLeft < 0
            BigButton {  // a full or older-adult check can be ended at any time: no further test starts
                id: endCheck
                objectName: "endCheckButton"
                visible: !page.staffScreen && typeof flow !== "undefined" && flow.fullCheckActive
                kind: "secondary"; implicitHeight: Theme.touchMin
                text: qsTr("End the check")
                onClicked: flow.stopFullCheck()
            }
            BodyText { objectName: "noticeText"; Layout.fillWidth: true; text: station.notice; color: Theme.ink }
            RowLayout { id: footerRow; spacing: Theme.gap }
        }
    }
}

import QtQuick
import QtQuick.Layouts
import Station

// Two separate choices: keeping and sending health results (needed to measure), and the camera (optional).
ScreenPage {
    id: page
    title: qsTr("Your permission")
    spokenIntro: qsTr("Please answer two questions: may the station keep your results, and may it use the camera.")
    helpText: qsTr("You can say no to the camera and still do every other test.")
    property string health: ""      // "", "yes", "no"
    property string cameraUse: ""   // "", "yes", "no"
    readonly property bool cameraAsked: flow.cameraConfigured

    footerExtra: [
        BigButton {
            objectName: "consentBack"
            kind: "secondary"; implicitHeight: Theme.touchMin
            text: qsTr("Back to start")
            onClicked: station.endSession()
        },
        BigButton {
            objectName: "consentContinue"
            kind: "ok"; implicitHeight: Theme.touchMin
            text: qsTr("Continue")
            enabled: page.health === "yes" && (!page.cameraAsked || page.cameraUse !== "")
            onClicked: flow.giveConsent(true, page.cameraUse === "yes")
        }
    ]

    component YesNo: RowLayout {
        id: yesNo
        property string answer: ""
        property string name: ""
        signal answered(string value)
        spacing: Theme.gap
        BigButton {
            objectName: yesNo.name + "Yes"
            Layout.preferredWidth: 220; implicitHeight: Theme.touchMin
            kind: yesNo.answer === "yes" ? "ok" : "secondary"
            text: (yesNo.answer === "yes" ? "✓ " : "") + qsTr("Yes")
            onClicked: yesNo.answered("yes")
        }
        BigButton {
            objectName: yesNo.name + "No"
            Layout.preferredWidth: 220; implicitHeight: Theme.touchMin
            kind: yesNo.answer === "no" ? "danger" : "secondary"
            text: (yesNo.answer === "no" ? "✓ " : "") + qsTr("No")
            onClicked: yesNo.answered("no")
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.gap

        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: healthColumn.implicitHeight + 2 * Theme.gap
            color: Theme.panel; radius: Theme.radius; border.color: Theme.line; border.width: 2
            ColumnLayout {
                id: healthColumn
                anchors { left: parent.left; right: parent.right; top: parent.top; margins: Theme.gap }
                spacing: 12
                RowLayout {
                    Layout.fillWidth: true
                    spacing: Theme.gap
                    BodyText {
                        Layout.fillWidth: true; font.bold: true
                        text: session.isGuest
                              ? qsTr("1. May the station keep your results and send them, without your name or number, to the regional health service?")
                              : qsTr("1. May the station keep your results and send them to the regional health service, so your doctor can see them?")
                    }
                    YesNo { name: "health"; answer: page.health; onAnswered: v => page.health = v }
                }
                BodyText {
                    objectName: "healthDeclined"
                    Layout.fillWidth: true
                    visible: page.health === "no"
                    color: Theme.warn; font.bold: true
                    text: qsTr("⚠ The station cannot measure without keeping your results. You can touch Yes, or go back to the start. Thank you.")
                }
            }
        }

        Rectangle {
            visible: page.cameraAsked
            Layout.fillWidth: true
            Layout.preferredHeight: cameraColumn.implicitHeight + 2 * Theme.gap
            color: Theme.panel; radius: Theme.radius; border.color: Theme.line; border.width: 2
            ColumnLayout {
                id: cameraColumn
                anchors { left: parent.left; right: parent.right; top: parent.top; margins: Theme.gap }
                spacing: 12
                RowLayout {
                    Layout.fillWidth: true
                    spacing: Theme.gap
                    BodyText {
                        Layout.fillWidth: true; font.bold: true
                        text: qsTr("2. May the camera watch you during the movement tests? The pictures are not kept.")
                    }
                    YesNo { name: "camera"; answer: page.cameraUse; onAnswered: v => page.cameraUse = v }
                }
                BodyText {
                    objectName: "cameraDeclined"
                    Layout.fillWidth: true
                    visible: page.cameraUse === "no"
                    text: qsTr("That is fine. The camera tests will not be offered; every other test is.")
                }
            }
        }
        Item { Layout.fillHeight: true }
    }
}

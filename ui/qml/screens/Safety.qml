import QtQuick
import QtQuick.Layouts
import Station

// The pre-exercise questions. Any "yes" skips the exertion tests today and advises a doctor.
ScreenPage {
    id: page
    title: qsTr("Before you exercise")
    spokenIntro: qsTr("Please answer five questions about your health with yes or no.")
    helpText: qsTr("If you are not sure, answer yes. Blood pressure and body measurements are still offered.")
    property var answers: ({})
    readonly property int answeredCount: Object.keys(answers).length
    readonly property bool anyYes: Object.keys(answers).some(k => answers[k] === true)

    footerExtra: [
        BigButton {
            objectName: "safetyContinue"
            kind: "ok"; implicitHeight: Theme.touchMin
            text: qsTr("Continue")
            enabled: page.answeredCount === flow.safetyKeys.length
            onClicked: flow.submitSafety(page.answers)
        }
    ]

    function answer(key, yes) {
        var a = Object.assign({}, answers)
        a[key] = yes
        answers = a
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 10
        Repeater {
            model: [
                { key: "chest_pain", text: qsTr("Do you have pain in your chest, at rest or when active?") },
                { key: "dizziness_or_fainting", text: qsTr("Do you get dizzy, or have you fainted recently?") },
                { key: "recent_surgery", text: qsTr("Have you had an operation in the last three months?") },
                { key: "doctor_said_no_exercise", text: qsTr("Has a doctor told you not to exercise?") },
                { key: "bone_or_joint_problem", text: qsTr("Do you have a bone or joint problem that exercise could make worse?") }
            ]
            Rectangle {
                required property var modelData
                readonly property var value: page.answers[modelData.key]
                Layout.fillWidth: true
                Layout.preferredHeight: 84
                color: Theme.panel; radius: Theme.radius; border.color: Theme.line; border.width: 2
                RowLayout {
                    anchors.fill: parent; anchors.leftMargin: Theme.gap; anchors.rightMargin: 6
                    spacing: 12
                    BodyText { Layout.fillWidth: true; text: modelData.text; font.pixelSize: Theme.smallSize + 2 }
                    BigButton {
                        objectName: "safety_" + modelData.key + "_yes"
                        Layout.preferredWidth: 170; implicitHeight: Theme.touchMin - 6
                        kind: value === true ? "danger" : "secondary"
                        text: (value === true ? "✓ " : "") + qsTr("Yes")
                        onClicked: page.answer(modelData.key, true)
                    }
                    BigButton {
                        objectName: "safety_" + modelData.key + "_no"
                        Layout.preferredWidth: 170; implicitHeight: Theme.touchMin - 6
                        kind: value === false ? "ok" : "secondary"
                        text: (value === false ? "✓ " : "") + qsTr("No")
                        onClicked: page.answer(modelData.key, false)
                    }
                }
            }
        }
        BodyText {
            objectName: "safetyNotice"
            Layout.fillWidth: true
            visible: page.anyYes
            color: Theme.warn; font.bold: true; font.pixelSize: Theme.smallSize
            text: qsTr("ⓘ Thank you. To keep you safe, the exercise and strength tests are skipped today. Please see a doctor before exercising.")
        }
        Item { Layout.fillHeight: true }
    }
}

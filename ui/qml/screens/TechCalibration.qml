import QtQuick
import QtQuick.Layouts
import Station

// Guided calibration: one physical step at a time in big text, the readings as they come, then PASS/FAIL.
ScreenPage {
    id: page
    title: qsTr("Calibrate: %1").arg(techCal.deviceName)
    staffScreen: true
    showHelp: false
    footerExtra: [
        BigButton { objectName: "calCancelButton"; kind: "danger"; text: qsTr("Cancel")
                    visible: techCal.phase === "step" || techCal.phase === "reading"
                    onClicked: techCal.cancel() },
        BigButton { objectName: "calDoneButton"; kind: "ok"; text: qsTr("Done"); implicitWidth: 300
                    visible: techCal.phase === "step"; onClicked: techCal.done() },
        BigButton { objectName: "calBackButton"; kind: "secondary"; text: qsTr("Back to device")
                    visible: techCal.phase === "finished" || techCal.phase === "stopped"
                    onClicked: techCal.back() }
    ]

    RowLayout {
        anchors.fill: parent
        spacing: Theme.margin
        ColumnLayout {
            Layout.preferredWidth: parent.width * 0.56; Layout.fillHeight: true; Layout.alignment: Qt.AlignTop
            spacing: Theme.gap
            visible: techCal.phase === "step" || techCal.phase === "reading"
            Text { objectName: "calStepNumber"; text: qsTr("Step %1 of %2").arg(techCal.stepNumber).arg(techCal.stepCount)
                   visible: techCal.stepCount > 0; color: Theme.muted; font.family: Theme.fontFamily
                   font.pixelSize: Theme.bodySize; font.bold: true }
            Heading { objectName: "calInstruction"; Layout.fillWidth: true
                      text: techCal.phase === "step" ? techCal.instruction : qsTr("Reading the device…") }
            Text { objectName: "calReference"; visible: techCal.phase === "step" && techCal.reference !== ""
                   text: techCal.reference; color: Theme.primary; font.family: Theme.fontFamily
                   font.pixelSize: Theme.titleSize; font.bold: true }
            BodyText { visible: techCal.phase === "step"; Layout.fillWidth: true; color: Theme.muted
                       text: qsTr("Tap Done when the reference is in place.") }
        }
        ColumnLayout {
            Layout.preferredWidth: parent.width * 0.56; Layout.fillHeight: true; Layout.alignment: Qt.AlignTop
            spacing: 12
            visible: techCal.phase === "finished" || techCal.phase === "stopped"
            Rectangle {
                visible: techCal.phase === "finished"
                Layout.fillWidth: true; implicitHeight: 110; radius: Theme.radius
                color: techCal.result.passed ? Theme.ok : Theme.danger
                Text { objectName: "calResult"; anchors.centerIn: parent
                       text: techCal.result.passed ? qsTr("PASS") : qsTr("FAIL")
                       color: Theme.primaryInk; font.family: Theme.fontFamily; font.pixelSize: Theme.titleSize
                       font.bold: true }
            }
            BodyText { objectName: "calLockState"; Layout.fillWidth: true; font.bold: true
                       text: techCal.lockState; color: techCal.lockState === qsTr("Unlocked") ? Theme.ok : Theme.danger }
            BodyText { objectName: "calMessage"; Layout.fillWidth: true; text: techCal.message; visible: text !== "" }
            BodyText { Layout.fillWidth: true; font.pixelSize: Theme.smallSize; visible: techCal.phase === "finished"
                       text: qsTr("Record saved: %1, valid until %2").arg(techCal.result.procedure || "")
                                                                      .arg(techCal.result.validUntil || "") }
            BodyText { objectName: "calNotes"; Layout.fillWidth: true; font.pixelSize: Theme.smallSize; color: Theme.muted
                       visible: techCal.phase === "finished"; text: techCal.result.notes || ""
                       maximumLineCount: 3; elide: Text.ElideRight }
        }
        ColumnLayout {
            Layout.preferredWidth: parent.width * 0.4; Layout.fillHeight: true; Layout.alignment: Qt.AlignTop
            spacing: 8
            Heading { text: qsTr("Readings"); font.pixelSize: Theme.bodySize }
            Rectangle {
                Layout.fillWidth: true; Layout.fillHeight: true
                color: Theme.panel; border.color: Theme.line; border.width: 2; radius: Theme.radius
                Column {
                    anchors.fill: parent; anchors.margins: 10; spacing: 4; clip: true
                    Repeater {
                        model: techCal.readings
                        Text { objectName: "calReading"; width: parent.width; wrapMode: Text.Wrap; text: modelData
                               color: Theme.ink; font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize }
                    }
                }
            }
        }
    }
}

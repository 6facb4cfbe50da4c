import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Station

// The camera tests of the session under review: stills with the skeleton (each rep's top and bottom,
// every pause) and the doctor's count correction, kept beside the camera's count.
Flickable {
    id: evidencePage
    objectName: "evidencePage"
    clip: true
    contentHeight: evidenceColumn.implicitHeight
    ScrollBar.vertical: ScrollBar { width: 16; policy: ScrollBar.AsNeeded }
    ColumnLayout {
        id: evidenceColumn
        width: evidencePage.width - 20
        spacing: 12
        BodyText { objectName: "evidenceMessage"; Layout.fillWidth: true; visible: text !== ""
                   text: doctorEvidence.message; wrapMode: Text.Wrap }
        BodyText { objectName: "evidenceError"; Layout.fillWidth: true; visible: text !== ""
                   text: doctorEvidence.error; color: Theme.danger; wrapMode: Text.Wrap }
        Repeater {
            model: doctorEvidence.tests
            ColumnLayout {
                id: testBlock
                objectName: "evidence_" + modelData.item
                required property var modelData
                property int chosen: modelData.correctedCount >= 0 ? modelData.correctedCount : modelData.cameraCount
                Layout.fillWidth: true
                spacing: 8
                Text { text: testBlock.modelData.label; font.family: Theme.fontFamily
                       font.pixelSize: Theme.bodySize; font.bold: true; color: Theme.ink }
                Text { objectName: "evidenceSummary"; Layout.fillWidth: true; wrapMode: Text.Wrap
                       text: testBlock.modelData.summary; font.family: Theme.fontFamily
                       font.pixelSize: Theme.smallSize; color: Theme.ink }
                Text { visible: text !== ""; text: testBlock.modelData.noStills; font.family: Theme.fontFamily
                       font.pixelSize: Theme.smallSize; color: Theme.muted }
                RowLayout {
                    spacing: 12
                    Text { text: qsTr("Correct the count:"); font.family: Theme.fontFamily
                           font.pixelSize: Theme.smallSize; color: Theme.ink }
                    BigButton { objectName: "countDown"; kind: "secondary"; text: "−"
                                implicitWidth: Theme.touchMin; implicitHeight: Theme.touchMin
                                onClicked: testBlock.chosen = Math.max(0, testBlock.chosen - 1) }
                    Text { objectName: "chosenCount"; text: testBlock.chosen; font.family: Theme.fontFamily
                           font.pixelSize: Theme.headingSize; font.bold: true; color: Theme.ink }
                    BigButton { objectName: "countUp"; kind: "secondary"; text: "+"
                                implicitWidth: Theme.touchMin; implicitHeight: Theme.touchMin
                                onClicked: testBlock.chosen = testBlock.chosen + 1 }
                    BigButton { objectName: "saveCorrection"; kind: "primary"; text: qsTr("Save the corrected count")
                                implicitHeight: Theme.touchMin; textSize: Theme.smallSize
                                onClicked: doctorEvidence.correctCount(testBlock.modelData.measurementId,
                                                                       testBlock.chosen) }
                }
                Flow {
                    Layout.fillWidth: true
                    spacing: 8
                    Repeater {
                        model: testBlock.modelData.stills
                        Column {
                            objectName: "still"
                            required property var modelData
                            spacing: 2
                            Image { source: parent.modelData.source; width: 200; height: 150; cache: false
                                    fillMode: Image.PreserveAspectFit }
                            Text { text: parent.modelData.caption; font.family: Theme.fontFamily
                                   font.pixelSize: Theme.smallSize; color: Theme.ink }
                        }
                    }
                }
            }
        }
    }
}

import QtQuick
import QtQuick.Layouts
import Station

// The doctor's review queue: completed sessions not yet reviewed, urgent and flagged first.
// Each row: date/time, age band and sex, masked identity, and its flags as symbol + words.
ScreenPage {
    id: page
    title: qsTr("Sessions to review")
    staffScreen: true
    showHelp: false
    spokenIntro: qsTr("Sessions to review. Urgent ones are at the top.")
    footerExtra: BigButton { objectName: "signOutButton"; kind: "secondary"; text: qsTr("Sign out")
                             onClicked: station.endSession() }

    Component.onCompleted: doctor.openQueue()

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.gap / 2
        BodyText {
            objectName: "queueCountText"
            Layout.fillWidth: true
            font.bold: true
            text: doctor.queueCount === 0 ? qsTr("No sessions are waiting for review.")
                  : qsTr("%1 sessions waiting. Touch one to open it.").arg(doctor.queueCount)
        }
        ListView {
            id: list
            objectName: "queueList"
            Layout.fillWidth: true; Layout.fillHeight: true
            clip: true
            spacing: 12
            model: doctor.queue
            delegate: Rectangle {
                id: row
                objectName: "queueRow_" + index
                required property var modelData
                required property int index
                width: list.width
                height: Math.max(Theme.buttonHeight, rowLayout.implicitHeight + 24)
                radius: Theme.radius
                color: tap.pressed ? Theme.secondary : Theme.panel
                border.width: modelData.badges.length > 0 && modelData.badges[0].kind === "urgent" ? 5 : 3
                border.color: modelData.badges.length > 0 && modelData.badges[0].kind === "urgent" ? Theme.danger
                              : Theme.line
                Accessible.role: Accessible.Button
                Accessible.name: modelData.when + " " + modelData.identity
                TapHandler { id: tap; onTapped: doctor.openSession(row.index) }
                RowLayout {
                    id: rowLayout
                    anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter
                              leftMargin: Theme.gap; rightMargin: Theme.gap }
                    spacing: Theme.gap
                    ColumnLayout {
                        Layout.preferredWidth: 360
                        spacing: 2
                        BodyText { objectName: "rowWhen"; text: row.modelData.when; font.bold: true }
                        BodyText { objectName: "rowWho"; font.pixelSize: Theme.smallSize; color: Theme.muted
                                   text: [row.modelData.ageBand, row.modelData.sex, row.modelData.identity]
                                         .filter(function(s) { return s !== "" }).join(" · ") }
                    }
                    Flow {
                        id: badgeFlow
                        Layout.fillWidth: true
                        spacing: 8
                        Repeater {
                            model: row.modelData.badges
                            DoctorBadge { kind: modelData.kind; symbol: modelData.symbol; label: modelData.text
                                          maxWidth: badgeFlow.width }
                        }
                        BodyText { visible: row.modelData.badges.length === 0; text: qsTr("No flags")
                                   font.pixelSize: Theme.smallSize; color: Theme.muted }
                    }
                    BodyText { text: qsTr("Open") + "  ›"; font.bold: true; color: Theme.primary }
                }
            }
        }
    }
}

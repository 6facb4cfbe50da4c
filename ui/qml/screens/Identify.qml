import QtQuick
import QtQuick.Layouts
import Station

// Who is at the screen: a QR card, a typed ID or mobile number, or a guest. The steps live in `flow`.
ScreenPage {
    id: page
    title: qsTr("Who is taking the tests?")
    spokenIntro: qsTr("Scan your card, type your ID number or mobile number, or continue as a guest.")
    helpText: qsTr("Your ID number is on your resident identity card. Guests are not recorded by name.")

    footerExtra: [
        BigButton {
            objectName: "typeInsteadButton"
            visible: flow.identifyStep === "qr"
            kind: "secondary"; implicitHeight: Theme.touchMin
            text: qsTr("Type my ID number instead")
            onClicked: flow.chooseIdentify("id")
        },
        BigButton {
            objectName: "identifyBack"
            kind: "secondary"; implicitHeight: Theme.touchMin
            text: flow.identifyStep === "choose" ? qsTr("Back to start") : qsTr("Back")
            onClicked: flow.identifyStep === "choose" ? station.endSession() : flow.chooseIdentify("choose")
        }
    ]

    // The plain-words error line every step shares.
    component ErrorLine: BodyText {
        objectName: "identifyError"
        visible: flow.identifyError !== ""
        text: "⚠ " + flow.identifyError
        color: Theme.danger; font.bold: true
    }

    // ---- step 1: the four ways in ----
    // (GridLayout has its own `flow` property, which would hide the view-model inside it: bindings on the
    // layout itself must not name `flow`.)
    readonly property bool choosing: flow.identifyStep === "choose"
    GridLayout {
        objectName: "identifyChoices"
        visible: page.choosing
        anchors.fill: parent
        columns: 2; rowSpacing: Theme.gap; columnSpacing: Theme.gap
        ChoiceTile {
            objectName: "qrChoice"
            glyph: "▣"
            label: qsTr("Scan my card or health code")
            detail: flow.cameraConfigured ? qsTr("Hold it up to the camera")
                                          : qsTr("Not possible here: this station has no camera")
            enabled: flow.cameraConfigured
            onClicked: flow.chooseIdentify("qr")
        }
        ChoiceTile {
            objectName: "idChoice"
            glyph: "#"
            label: qsTr("Type my ID number")
            detail: qsTr("18 characters, on your identity card")
            onClicked: flow.chooseIdentify("id")
        }
        ChoiceTile {
            objectName: "phoneChoice"
            glyph: "☎"
            label: qsTr("Type my mobile number")
            detail: qsTr("11 digits")
            onClicked: flow.chooseIdentify("phone")
        }
        ChoiceTile {
            objectName: "guestChoice"
            glyph: "☺"
            label: qsTr("Continue as a guest")
            detail: qsTr("Nothing about who you are is kept")
            onClicked: flow.chooseGuest()
        }
    }

    component ChoiceTile: BigButton {
        id: tile
        property string glyph: ""
        property string label: ""
        property string detail: ""
        Layout.fillWidth: true; Layout.fillHeight: true
        Layout.preferredWidth: 1
        kind: enabled ? "primary" : "secondary"
        Accessible.name: label
        contentItem: RowLayout {
            spacing: Theme.gap
            Text {
                text: tile.glyph
                font.family: Theme.fontFamily; font.pixelSize: Theme.hugeSize * 0.8
                color: tile.kind === "secondary" ? Theme.muted : Theme.primaryInk
                Layout.preferredWidth: 90; horizontalAlignment: Text.AlignHCenter
            }
            ColumnLayout {
                Layout.fillWidth: true
                spacing: 6
                Text {
                    Layout.fillWidth: true
                    text: tile.label
                    font.family: Theme.fontFamily; font.pixelSize: Theme.headingSize; font.bold: true
                    color: tile.kind === "secondary" ? Theme.ink : Theme.primaryInk
                    wrapMode: Text.Wrap
                }
                Text {
                    Layout.fillWidth: true
                    text: tile.detail
                    font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize
                    color: tile.kind === "secondary" ? Theme.ink : Theme.primaryInk
                    wrapMode: Text.Wrap
                }
            }
        }
    }

    // ---- QR: the live picture and what to do ----
    RowLayout {
        visible: flow.identifyStep === "qr"
        anchors.fill: parent
        spacing: Theme.gap * 2
        Rectangle {
            Layout.preferredWidth: 600; Layout.fillHeight: true
            color: "#202020"; radius: Theme.radius
            Image {
                objectName: "qrPicture"
                anchors.fill: parent; anchors.margins: 6
                source: flow.identifyStep === "qr" ? "image://camera/identify?" + camera.revision : ""
                cache: false; fillMode: Image.PreserveAspectFit; asynchronous: false
            }
        }
        ColumnLayout {
            Layout.fillWidth: true; Layout.fillHeight: true
            spacing: Theme.gap
            Heading { Layout.fillWidth: true; text: qsTr("Hold your card up to the camera") }
            BodyText {
                Layout.fillWidth: true
                text: qsTr("Show the QR code on your resident card or phone, about one forearm away from the camera. Hold it still.")
            }
            BodyText {
                objectName: "scanProblem"
                Layout.fillWidth: true
                visible: flow.scanProblem !== ""
                text: "⚠ " + flow.scanProblem
                color: Theme.danger; font.bold: true
            }
            ErrorLine { Layout.fillWidth: true }
            Item { Layout.fillHeight: true }
        }
    }

    // ---- typing an ID number or a mobile number ----
    RowLayout {
        visible: flow.identifyStep === "id" || flow.identifyStep === "phone"
        anchors.fill: parent
        spacing: Theme.gap * 2
        NumberPad {
            id: numberPad
            objectName: "numberPad"
            Layout.preferredWidth: 480; Layout.alignment: Qt.AlignTop
            allowX: flow.identifyStep === "id"
            maxLength: flow.identifyStep === "id" ? 18 : 11
            Connections {
                target: flow
                function onIdentifyStepChanged() { numberPad.value = "" }
            }
        }
        ColumnLayout {
            Layout.fillWidth: true; Layout.fillHeight: true
            spacing: Theme.gap
            Heading {
                Layout.fillWidth: true
                text: flow.identifyStep === "id" ? qsTr("Type your ID number") : qsTr("Type your mobile number")
            }
            BodyText {
                Layout.fillWidth: true
                text: flow.identifyStep === "id"
                      ? qsTr("18 characters. If the last one is X, touch the X key. You have typed %1.").arg(numberPad.value.length)
                      : qsTr("11 digits, starting with 1. You have typed %1.").arg(numberPad.value.length)
            }
            ErrorLine { Layout.fillWidth: true }
            Item { Layout.fillHeight: true }
            BigButton {
                objectName: "numberSubmit"
                kind: "ok"
                Layout.fillWidth: true
                text: qsTr("Continue")
                enabled: numberPad.value.length > 0
                onClicked: flow.identifyStep === "id" ? flow.submitIdNumber(numberPad.value)
                                                      : flow.submitPhone(numberPad.value)
            }
        }
    }

    // ---- phone or guest: sex and birth year ----
    RowLayout {
        visible: flow.identifyStep === "details"
        anchors.fill: parent
        spacing: Theme.gap * 2
        ColumnLayout {
            Layout.preferredWidth: 520; Layout.fillHeight: true
            spacing: Theme.gap
            Heading { Layout.fillWidth: true; text: qsTr("Are you a man or a woman?") }
            BodyText {
                Layout.fillWidth: true; font.pixelSize: Theme.smallSize
                text: qsTr("The standard tables are different for men and women.")
            }
            RowLayout {
                spacing: Theme.gap
                BigButton {
                    objectName: "sexMale"
                    Layout.fillWidth: true; Layout.preferredHeight: 120
                    kind: flow.chosenSex === "M" ? "ok" : "secondary"
                    text: (flow.chosenSex === "M" ? "✓ " : "") + qsTr("Man")
                    textSize: Theme.headingSize
                    onClicked: flow.setSex("M")
                }
                BigButton {
                    objectName: "sexFemale"
                    Layout.fillWidth: true; Layout.preferredHeight: 120
                    kind: flow.chosenSex === "F" ? "ok" : "secondary"
                    text: (flow.chosenSex === "F" ? "✓ " : "") + qsTr("Woman")
                    textSize: Theme.headingSize
                    onClicked: flow.setSex("F")
                }
            }
            BodyText {
                Layout.fillWidth: true
                text: qsTr("Then type the year you were born, for example 1956.")
            }
            ErrorLine { Layout.fillWidth: true }
            Item { Layout.fillHeight: true }
            BigButton {
                objectName: "detailsSubmit"
                kind: "ok"
                Layout.fillWidth: true
                text: qsTr("Continue")
                enabled: yearPad.value.length === 4 && flow.chosenSex !== ""
                onClicked: flow.submitDetails(yearPad.value)
            }
        }
        NumberPad {
            id: yearPad
            objectName: "yearPad"
            Layout.preferredWidth: 420; Layout.alignment: Qt.AlignTop
            maxLength: 4
            Connections {
                target: flow
                function onIdentifyStepChanged() { yearPad.value = "" }
            }
        }
    }
}

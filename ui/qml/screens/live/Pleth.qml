import QtQuick
import QtQuick.Layouts
import Station

// The oximeter's SpO2 and pulse rate in big numbers, and its pulse wave (pleth, last 4 s) below them.
Item {
    id: root
    ColumnLayout {
        anchors.fill: parent; anchors.margins: Theme.gap; spacing: 8
        RowLayout {
            Layout.fillWidth: true; spacing: Theme.gap
            Repeater {
                model: [
                    {name: "spo2Now", label: qsTr("Blood oxygen"), value: deviceTest.liveSpo2, unit: "%"},
                    {name: "pulseNow", label: qsTr("Pulse"), value: deviceTest.livePulse, unit: qsTr("/min")}
                ]
                delegate: ColumnLayout {
                    required property var modelData
                    Layout.fillWidth: true; Layout.preferredWidth: 1; spacing: 0
                    BodyText { text: modelData.label; font.bold: true }
                    RowLayout {
                        spacing: 6
                        Text {
                            objectName: modelData.name
                            text: modelData.value > 0 ? Math.round(modelData.value) : "--"
                            font.family: Theme.fontFamily; font.pixelSize: Theme.hugeSize; font.bold: true
                            color: Theme.primary
                        }
                        BodyText { text: modelData.unit; color: Theme.primary; font.bold: true
                                   Layout.alignment: Qt.AlignBottom; bottomPadding: 12 }
                    }
                }
            }
        }
        BodyText {
            Layout.fillWidth: true; wrapMode: Text.WordWrap; color: Theme.muted
            visible: deviceTest.phase === "measuring"
            text: deviceTest.liveSpo2 > 0 ? qsTr("Keep your hand still.") : qsTr("Finding your pulse…")
        }
        Canvas {
            id: canvas
            objectName: "plethCanvas"
            Layout.fillWidth: true; Layout.fillHeight: true
            onPaint: {
                var ctx = getContext("2d");
                ctx.reset();
                var s = deviceTest.series;
                var span = 4.0;
                var n = s.length / 2;
                var t0 = n > 0 ? Math.max(0, s[2 * (n - 1)] - span) : 0;
                ctx.strokeStyle = Theme.line; ctx.lineWidth = 2;
                ctx.strokeRect(1, 1, width - 2, height - 2);
                ctx.strokeStyle = Theme.primary; ctx.lineWidth = 4;
                ctx.beginPath();
                var started = false;
                for (var i = 0; i < n; i++) {
                    var t = s[2 * i];
                    if (t < t0) continue;
                    var x = (t - t0) / span * width, y = height - 8 - s[2 * i + 1] / 100 * (height - 16);
                    if (!started) { ctx.moveTo(x, y); started = true } else ctx.lineTo(x, y);
                }
                ctx.stroke();
            }
            Connections { target: deviceTest; function onLiveChanged() { canvas.requestPaint() } }
        }
    }
}

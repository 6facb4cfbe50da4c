import QtQuick
import QtQuick.Layouts
import Station

// Grip force over time while the resident squeezes; the peak so far in big numbers.
Item {
    id: root
    ColumnLayout {
        anchors.fill: parent; anchors.margins: Theme.gap; spacing: 8
        RowLayout {
            Layout.fillWidth: true
            BodyText { text: qsTr("Strongest:"); font.bold: true }
            Text {
                objectName: "forcePeak"
                text: deviceTest.liveMax.toFixed(1) + " kg"
                font.family: Theme.fontFamily; font.pixelSize: Theme.hugeSize; font.bold: true; color: Theme.primary
            }
        }
        Canvas {
            id: canvas
            objectName: "forceCanvas"
            Layout.fillWidth: true; Layout.fillHeight: true
            onPaint: {
                var ctx = getContext("2d");
                ctx.reset();
                var s = deviceTest.series;
                var top = Math.max(40, deviceTest.liveMax * 1.2);
                var span = 5.0;
                var n = s.length / 2;
                var t0 = n > 0 ? Math.max(0, s[2 * (n - 1)] - span) : 0;
                ctx.strokeStyle = Theme.line; ctx.lineWidth = 2;
                ctx.strokeRect(1, 1, width - 2, height - 2);
                ctx.fillStyle = Theme.muted; ctx.font = Theme.smallSize + "px sans-serif";
                for (var g = 10; g < top; g += 10) {
                    var gy = height - g / top * height;
                    ctx.beginPath(); ctx.moveTo(0, gy); ctx.lineTo(width, gy); ctx.stroke();
                    ctx.fillText(g + "", 6, gy - 4);
                }
                ctx.strokeStyle = Theme.primary; ctx.lineWidth = 5;
                ctx.beginPath();
                var started = false;
                for (var i = 0; i < n; i++) {
                    var t = s[2 * i];
                    if (t < t0) continue;
                    var x = (t - t0) / span * width, y = height - Math.max(0, s[2 * i + 1]) / top * height;
                    if (!started) { ctx.moveTo(x, y); started = true } else ctx.lineTo(x, y);
                }
                ctx.stroke();
            }
            Connections { target: deviceTest; function onLiveChanged() { canvas.requestPaint() } }
        }
    }
}

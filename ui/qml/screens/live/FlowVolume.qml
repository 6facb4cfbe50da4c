import QtQuick
import QtQuick.Layouts
import Station

// The flow–volume loop of the blow: flow (L/s) up, volume (L) across.
Item {
    id: root
    ColumnLayout {
        anchors.fill: parent; anchors.margins: Theme.gap; spacing: 8
        RowLayout {
            Layout.fillWidth: true; spacing: Theme.gap
            BodyText { objectName: "flowNow"; font.bold: true
                       text: qsTr("Flow %1 L/s").arg(deviceTest.liveValue.toFixed(1)) }
            BodyText { objectName: "flowPeak"; color: Theme.muted
                       text: qsTr("Peak %1 L/s").arg(deviceTest.liveMax.toFixed(1)) }
        }
        Canvas {
            id: canvas
            objectName: "flowCanvas"
            Layout.fillWidth: true; Layout.fillHeight: true
            onPaint: {
                var ctx = getContext("2d");
                ctx.reset();
                var s = deviceTest.series;
                var n = s.length / 2;
                var vmax = 5, fmax = 8, fmin = 0;
                for (var i = 0; i < n; i++) {
                    vmax = Math.max(vmax, s[2 * i] * 1.1);
                    fmax = Math.max(fmax, s[2 * i + 1] * 1.1);
                    fmin = Math.min(fmin, s[2 * i + 1] * 1.1);
                }
                var left = 40, bottom = height - 36;
                var zeroY = bottom - (0 - fmin) / (fmax - fmin) * bottom;
                ctx.strokeStyle = Theme.line; ctx.lineWidth = 2;
                ctx.beginPath(); ctx.moveTo(left, 0); ctx.lineTo(left, bottom); ctx.stroke();
                ctx.beginPath(); ctx.moveTo(left, zeroY); ctx.lineTo(width, zeroY); ctx.stroke();
                ctx.fillStyle = Theme.muted; ctx.font = Theme.smallSize + "px sans-serif";
                ctx.fillText(qsTr("Flow"), left + 8, Theme.smallSize);
                ctx.fillText(qsTr("Volume"), width - 110, height - 6);
                ctx.strokeStyle = Theme.primary; ctx.lineWidth = 5;
                ctx.beginPath();
                for (var j = 0; j < n; j++) {
                    var x = left + s[2 * j] / vmax * (width - left);
                    var y = bottom - (s[2 * j + 1] - fmin) / (fmax - fmin) * bottom;
                    if (j === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
                }
                ctx.stroke();
            }
            Connections { target: deviceTest; function onLiveChanged() { canvas.requestPaint() } }
        }
    }
}

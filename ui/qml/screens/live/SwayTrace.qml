import QtQuick
import QtQuick.Layouts
import Station

// Centre-of-pressure trace on the platform (mm, ±80) and the time stood so far.
Item {
    id: root
    RowLayout {
        anchors.fill: parent; anchors.margins: Theme.gap; spacing: Theme.gap
        Canvas {
            id: canvas
            objectName: "swayCanvas"
            Layout.fillHeight: true; Layout.preferredWidth: Math.min(height, root.width - 240)
            onPaint: {
                var ctx = getContext("2d");
                ctx.reset();
                var r = 80, c = width / 2, k = (width / 2 - 4) / r;
                ctx.strokeStyle = Theme.line; ctx.lineWidth = 2;
                ctx.beginPath(); ctx.arc(c, c, width / 2 - 2, 0, 2 * Math.PI); ctx.stroke();
                ctx.beginPath(); ctx.moveTo(c, 0); ctx.lineTo(c, width); ctx.moveTo(0, c); ctx.lineTo(width, c);
                ctx.stroke();
                var s = deviceTest.series;
                var n = s.length / 2;
                // Sway about the stance: on one foot the centre of pressure sits far from the platform's
                // centre, so the trace is drawn around its own mean (the sway is what matters).
                // The last 3 s of trace (about 300 samples), centred on the last 1.5 s: the step from two feet
                // to one leaves the picture quickly instead of drawing a long line from the middle.
                var mx = 0, my = 0, first = Math.max(0, n - 300), recent = Math.max(0, n - 150);
                for (var j = recent; j < n; j++) { mx += s[2 * j]; my += s[2 * j + 1]; }
                if (n > recent) { mx /= (n - recent); my /= (n - recent); }
                ctx.strokeStyle = Theme.primary; ctx.lineWidth = 3;
                ctx.beginPath();
                for (var i = first; i < n; i++) {
                    var x = c + Math.max(-r, Math.min(r, s[2 * i] - mx)) * k;
                    var y = c - Math.max(-r, Math.min(r, s[2 * i + 1] - my)) * k;
                    if (i === first) ctx.moveTo(x, y); else ctx.lineTo(x, y);
                }
                ctx.stroke();
                if (n > 0) {
                    ctx.fillStyle = Theme.danger;
                    ctx.beginPath();
                    ctx.arc(c + Math.max(-r, Math.min(r, s[2 * n - 2] - mx)) * k,
                            c - Math.max(-r, Math.min(r, s[2 * n - 1] - my)) * k, 10, 0, 2 * Math.PI);
                    ctx.fill();
                }
            }
            Connections { target: deviceTest; function onLiveChanged() { canvas.requestPaint() } }
        }
        ColumnLayout {
            Layout.fillWidth: true; Layout.minimumWidth: 200; Layout.alignment: Qt.AlignVCenter
            BodyText { text: qsTr("Time"); font.bold: true; Layout.fillWidth: true; horizontalAlignment: Text.AlignHCenter }
            Text {
                objectName: "swaySeconds"
                Layout.fillWidth: true; horizontalAlignment: Text.AlignHCenter
                text: deviceTest.liveSeconds.toFixed(0) + " s"
                font.family: Theme.fontFamily; font.pixelSize: Theme.hugeSize; font.bold: true; color: Theme.primary
            }
        }
    }
}

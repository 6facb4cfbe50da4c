import QtQuick
import QtQuick.Layouts
import Station

// A line chart of one item across the resident's visits. `series` is one entry of doctor.history:
// {label, unit, dates[], lines[{name, values[]}]}. Lines differ by dash and marker shape, not colour alone.
Rectangle {
    id: chart
    property var series: ({ label: "", unit: "", dates: [], lines: [] })
    radius: Theme.radius; color: Theme.panel; border.color: Theme.line; border.width: 2
    implicitHeight: 250

    function allValues() {
        var out = []
        for (var i = 0; i < series.lines.length; ++i)
            for (var j = 0; j < series.lines[i].values.length; ++j)
                if (series.lines[i].values[j] !== null && series.lines[i].values[j] !== undefined)
                    out.push(series.lines[i].values[j])
        return out
    }
    function fmt(v) { return Math.round(v * 10) / 10 }
    function latest(line) {
        for (var j = line.values.length - 1; j >= 0; --j)
            if (line.values[j] !== null && line.values[j] !== undefined) return fmt(line.values[j])
        return "—"
    }
    readonly property var values: allValues()
    readonly property real lo: values.length ? Math.min.apply(null, values) : 0
    readonly property real hi: values.length ? Math.max.apply(null, values) : 1

    ColumnLayout {
        anchors.fill: parent; anchors.margins: 12
        spacing: 4
        Text {
            Layout.fillWidth: true
            text: chart.series.label + (chart.series.unit ? " (" + chart.series.unit + ")" : "") + ": "
                  + chart.series.lines.map(function(l) { return chart.latest(l) }).join("/")
            font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize; font.bold: true; color: Theme.ink
            elide: Text.ElideRight
        }
        RowLayout {
            Layout.fillWidth: true; Layout.fillHeight: true
            spacing: 8
            ColumnLayout {
                Layout.fillHeight: true
                Text { text: chart.fmt(chart.hi); font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize
                       color: Theme.muted }
                Item { Layout.fillHeight: true }
                Text { text: chart.fmt(chart.lo); font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize
                       color: Theme.muted }
            }
            Canvas {
                id: canvas
                objectName: "trendCanvas_" + chart.series.item
                Layout.fillWidth: true; Layout.fillHeight: true
                renderStrategy: Canvas.Immediate
                onPaint: {
                    var ctx = getContext("2d")
                    ctx.reset()
                    ctx.strokeStyle = Theme.line; ctx.lineWidth = 2
                    ctx.strokeRect(1, 1, width - 2, height - 2)
                    var n = chart.series.dates.length
                    if (n === 0) return
                    var span = chart.hi - chart.lo || 1
                    function xAt(i) { return n === 1 ? width / 2 : 16 + i * (width - 32) / (n - 1) }
                    function yAt(v) { return height - 12 - (v - chart.lo) / span * (height - 24) }
                    for (var k = 0; k < chart.series.lines.length; ++k) {
                        var vals = chart.series.lines[k].values
                        ctx.strokeStyle = k === 0 ? Theme.primary : Theme.warn
                        ctx.fillStyle = ctx.strokeStyle
                        ctx.lineWidth = 4
                        ctx.setLineDash(k === 0 ? [] : [10, 6])
                        ctx.beginPath()
                        var started = false
                        for (var i = 0; i < n; ++i) {
                            if (vals[i] === null || vals[i] === undefined) continue
                            if (!started) { ctx.moveTo(xAt(i), yAt(vals[i])); started = true }
                            else ctx.lineTo(xAt(i), yAt(vals[i]))
                        }
                        ctx.stroke()
                        ctx.setLineDash([])
                        for (i = 0; i < n; ++i) {
                            if (vals[i] === null || vals[i] === undefined) continue
                            if (k === 0) { ctx.beginPath(); ctx.arc(xAt(i), yAt(vals[i]), 7, 0, 2 * Math.PI); ctx.fill() }
                            else ctx.fillRect(xAt(i) - 7, yAt(vals[i]) - 7, 14, 14)
                        }
                    }
                }
                Connections { target: chart; function onSeriesChanged() { canvas.requestPaint() } }
            }
        }
        RowLayout {
            Layout.fillWidth: true
            Text { text: chart.series.dates.length ? chart.series.dates[0] : ""; font.family: Theme.fontFamily
                   font.pixelSize: Theme.smallSize; color: Theme.muted }
            Item { Layout.fillWidth: true }
            Text { visible: chart.series.lines.length > 1; text: qsTr("● systolic  ■ diastolic")
                   font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize; color: Theme.ink }
            Item { Layout.fillWidth: true }
            Text { text: chart.series.dates.length ? chart.series.dates[chart.series.dates.length - 1] : ""
                   font.family: Theme.fontFamily; font.pixelSize: Theme.smallSize; color: Theme.muted }
        }
    }
}

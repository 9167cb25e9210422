package dev.reclaim.bench.suite;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The report's results table: formatted figures, one row per configuration, sortable by any column with a few
 * lines of inline script (each cell keeps its raw value in {@code data-v}; no external resource), narrow enough
 * for the page (the long failure reasons are listed under the table, not in it).
 */
final class ResultsTable {

    /** Sorts the table whose header cell was clicked; numbers numerically, text alphabetically, again reverses. */
    static final String SCRIPT = """
            <script>
            function sortBy(th) {
              const table = th.closest('table'), body = table.tBodies[0], col = th.cellIndex;
              const dir = th.dataset.dir === 'asc' ? -1 : 1;
              table.querySelectorAll('th').forEach(h => delete h.dataset.dir);
              th.dataset.dir = dir === 1 ? 'asc' : 'desc';
              const key = tr => tr.cells[col].dataset.v ?? tr.cells[col].textContent;
              const rows = Array.from(body.rows);
              rows.sort((a, b) => {
                const x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
                if (x === '' || y === '') return (x === '') - (y === '');
                return dir * (isNaN(nx) || isNaN(ny) ? x.localeCompare(y) : nx - ny);
              });
              rows.forEach(r => body.appendChild(r));
            }
            </script>
            """;

    /** The CSS of the table (and of the report's banners). */
    static final String STYLE = "table.r{border-collapse:collapse;font-size:12px;width:100%}"
            + "table.r td,table.r th{border:1px solid #ccc;padding:2px 5px;text-align:right;white-space:nowrap}"
            + "table.r th{background:#f0f0f0;cursor:pointer;user-select:none}"
            + "table.r th[data-dir=asc]::after{content:' \\25B2'}table.r th[data-dir=desc]::after{content:' \\25BC'}"
            + "table.r td.l,table.r th.l{text-align:left}table.r tr.fail td{background:#fdd}"
            + "table.r td.noisy{background:#ffe7c2}"
            + ".banner{border:2px solid #d08000;background:#fff4e0;padding:.6em 1em;margin:1em 0}"
            + ".banner.partial{border-color:#c00;background:#fde}";

    private ResultsTable() {
    }

    /**
     * One column: its header, whether it is text (left-aligned), its tooltip, and its cell.
     */
    private record Column(String header, boolean text, String tip, Function<Result, Cell> cell) {
    }

    /** A cell: what is shown and the raw value sorted by ({@code null}: sort by the text). */
    private record Cell(String shown, String raw, String cssClass) {
        static Cell text(String s) {
            return new Cell(s, null, null);
        }

        static Cell num(String shown, double raw) {
            return new Cell(shown, Double.isNaN(raw) ? "" : Double.toString(raw), null);
        }
    }

    /**
     * The table.
     *
     * @param results   every result
     * @param ratios    the ratio of each result that has one
     * @param baselines the baseline of each workload id
     * @return the HTML
     */
    static String html(List<Result> results, Map<Result, Ratios.Ratio> ratios, Map<String, String> baselines) {
        List<Column> cols = List.of(
                new Column("workload", true, null, r -> Cell.text(r.config().workload())),
                new Column("scheme", true, null, r -> Cell.text(r.config().scheme())),
                new Column("thr", false, "worker threads", r -> Cell.num(Integer.toString(r.config().threads()),
                        r.config().threads())),
                new Column("stall", true, "a reader held a guard open for the whole run",
                        r -> Cell.text(r.config().stall() ? "yes" : "")),
                new Column("ops/s", false, "median of the runs, all threads", r -> Cell.num(
                        Report.humanOps(r.opsMedian()), r.opsMedian())),
                new Column("min - max", false, "slowest and fastest run", r -> Cell.num(r.ok() ? Report.humanOps(
                        r.opsMin()) + " - " + Report.humanOps(r.opsMax()) : "", r.opsMin())),
                new Column("spread", false, "fastest run / slowest run; highlighted above 1.5", r -> {
                    double s = r.spread();
                    return new Cell(Double.isNaN(s) ? "" : String.format(Locale.ROOT, "%.2f", s),
                            Double.isNaN(s) ? "" : Double.toString(s), r.noisy() ? "noisy" : null);
                }),
                new Column("x baseline", false, "median ops/s over the workload's baseline's median at the same"
                        + " thread count (the baseline is named in the tooltip of each cell)", r -> {
                    Ratios.Ratio q = ratios.get(r);
                    return q == null ? Cell.text("") : new Cell(String.format(Locale.ROOT, "%.2f", q.median()),
                            Double.toString(q.median()), null);
                }),
                new Column("heap B/op", false, "Java heap bytes allocated per operation by the workers", r ->
                        Cell.num(r.ok() ? String.format(Locale.ROOT, "%.1f", r.allocMedian()) : "", r.allocMedian())),
                new Column("peak pending", false, "most objects retired but not yet freed", r -> r.hasReclaimer()
                        && r.ok() ? Cell.num(String.format(Locale.ROOT, "%,d", r.peakPendingMax()), r.peakPendingMax())
                        : Cell.text("")),
                new Column("RSS MB", false, "peak resident set size of the fork", r -> r.rssKb() < 0 ? Cell.text("")
                        : Cell.num(String.format(Locale.ROOT, "%.0f", r.rssKb() / 1024.0), r.rssKb())),
                new Column("p99", false, "99th percentile of sampled single-operation latency", r -> {
                    long v = r.latencyAt(99);
                    return v < 0 ? Cell.text("") : Cell.num(Charts.nanosLabel(v), v);
                }),
                new Column("load", false, "1-minute load average before -> after the fork", r -> Cell.num(
                        Double.isNaN(r.conditions().loadBefore()) ? "" : String.format(Locale.ROOT, "%.1f -> %.1f",
                                r.conditions().loadBefore(), r.conditions().loadAfter()), r.conditions().loadAfter())),
                new Column("steal %", false, "CPU time stolen by the hypervisor during the fork", r -> Cell.num(
                        Double.isNaN(r.conditions().stealPct()) ? "" : String.format(Locale.ROOT, "%.1f",
                                r.conditions().stealPct()), r.conditions().stealPct())),
                new Column("status", true, null, r -> Cell.text(r.ok() ? "ok" : "FAILED")));
        StringBuilder b = new StringBuilder("<table class=\"r\" id=\"results\">\n<thead><tr>");
        for (Column c : cols) {
            b.append("<th onclick=\"sortBy(this)\"").append(c.text() ? " class=\"l\"" : "")
                    .append(c.tip() == null ? "" : " title=\"" + Report.esc(c.tip()) + "\"").append(">")
                    .append(Report.esc(c.header())).append("</th>");
        }
        b.append("</tr></thead>\n<tbody>\n");
        for (Result r : results) {
            b.append(r.ok() ? "<tr>" : "<tr class=\"fail\">");
            for (Column c : cols) {
                Cell cell = c.cell().apply(r);
                String tip = c.header().equals("x baseline") && ratios.containsKey(r)
                        ? " title=\"over " + Report.esc(baselines.get(r.config().workload())) + "\"" : "";
                String css = c.text() ? "l" : cell.cssClass();
                b.append("<td").append(css == null ? "" : " class=\"" + css + "\"")
                        .append(cell.raw() == null ? "" : " data-v=\"" + cell.raw() + "\"").append(tip).append(">")
                        .append(Report.esc(cell.shown())).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody></table>\n");
        return b.toString();
    }
}

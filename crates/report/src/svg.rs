//! The two figures as hand-written SVG 1.1: fixed layout, coordinates with two decimals.
//!
//! Every bar is a `<rect class="bar">` and only bins with a nonzero count get
//! one, so a reader (or a test) can count bars against the data.

use crate::number::fixed;
use crate::tally::{BIN_WIDTH, HISTOGRAM_MAX, HISTOGRAM_MIN, N_BINS, N_HOURS, Tally};

/// The score histogram, with dashed lines at ± the first threshold.
pub(crate) fn score_distribution(title: &str, tally: &Tally<'_>) -> String {
    let histogram = &tally.histogram;
    let plot = Plot {
        left: 70.0,
        right: 700.0,
        top: 60.0,
        bottom: 320.0,
    };
    let mut svg = Canvas::new(720.0, 380.0, &format!("{title}: score distribution"));
    svg.heading(360.0, 24.0, "Score distribution (robust z units)");
    svg.text_at(
        plot.left,
        46.0,
        "start",
        &format!("below -10 (not plotted): {}", histogram.below),
    );
    svg.text_at(
        plot.right,
        46.0,
        "end",
        &format!("above 10 (not plotted): {}", histogram.above),
    );
    svg.axes(&plot);

    let tallest = histogram.bins.iter().copied().max().unwrap_or(0);
    // Square-root heights keep bins of a few tail scores visible beside a
    // central bin of thousands; the y-axis label says so.
    let height_of = |count: usize| plot.height() * (count as f64 / tallest.max(1) as f64).sqrt();
    for tick in sqrt_ticks(tallest) {
        svg.y_tick(&plot, plot.bottom - height_of(tick), &tick.to_string());
    }
    let x_of = |score: f64| plot.left + (score - HISTOGRAM_MIN) / (HISTOGRAM_MAX - HISTOGRAM_MIN) * plot.width();
    for tick in (-10..=10).step_by(2) {
        svg.x_tick(&plot, x_of(f64::from(tick)), &tick.to_string());
    }
    let slot = plot.width() / N_BINS as f64;
    for (index, &count) in histogram.bins.iter().enumerate().filter(|(_, count)| **count > 0) {
        let low_edge = HISTOGRAM_MIN + index as f64 * BIN_WIDTH;
        let height = height_of(count);
        svg.bar(
            x_of(low_edge) + 0.5,
            plot.bottom - height,
            slot - 1.0,
            height,
            &format!("[{}, {}): {count}", fixed(low_edge, 1), fixed(low_edge + BIN_WIDTH, 1)),
        );
    }
    if let Some(&threshold) = tally.thresholds.first()
        && threshold.is_finite()
        && threshold > 0.0
        && threshold <= HISTOGRAM_MAX
    {
        for (score, label) in [
            (-threshold, format!("-{}", fixed(threshold, 2))),
            (threshold, format!("+{}", fixed(threshold, 2))),
        ] {
            svg.threshold_line(&plot, x_of(score), &label);
        }
    }
    svg.x_label(&plot, 368.0, "score (robust z units, bins of 0.5)");
    svg.y_label(&plot, "scores per bin (square-root scale)");
    svg.finish()
}

/// Anomalies by hour of day, one slot per hour.
pub(crate) fn anomalies_by_hour(title: &str, tally: &Tally<'_>) -> String {
    let plot = Plot {
        left: 70.0,
        right: 700.0,
        top: 50.0,
        bottom: 290.0,
    };
    let mut svg = Canvas::new(720.0, 340.0, &format!("{title}: anomalies by hour of day"));
    svg.heading(360.0, 24.0, "Anomalies by hour of day (UTC)");
    svg.axes(&plot);

    let counts: Vec<usize> = tally.by_hour.iter().map(|count| count.anomalies).collect();
    let tallest = counts.iter().copied().max().unwrap_or(0);
    let height_of = |count: usize| plot.height() * count as f64 / tallest.max(1) as f64;
    for tick in linear_ticks(tallest) {
        svg.y_tick(&plot, plot.bottom - height_of(tick), &tick.to_string());
    }
    let slot = plot.width() / N_HOURS as f64;
    for (hour, &count) in counts.iter().enumerate() {
        let slot_left = plot.left + hour as f64 * slot;
        svg.x_tick(&plot, slot_left + slot / 2.0, &format!("{hour:02}"));
        if count > 0 {
            let height = height_of(count);
            svg.bar(
                slot_left + slot * 0.1,
                plot.bottom - height,
                slot * 0.8,
                height,
                &format!("{hour:02}h: {count}"),
            );
        }
    }
    svg.x_label(&plot, 328.0, "hour of day (UTC)");
    svg.y_label(&plot, "anomalies");
    svg.finish()
}

/// Text made safe for XML content and attribute values: the five markup
/// characters become entities, and characters XML 1.0 forbids are dropped.
pub(crate) fn escape_xml(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(' '),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// Tick values for a square-root axis from 0 to `tallest`: evenly spaced on
/// screen, so at `tallest · (i/4)²`, rounded to whole counts.
fn sqrt_ticks(tallest: usize) -> Vec<usize> {
    let mut ticks = vec![0];
    ticks.extend((1..=4).map(|i| (tallest * i * i + 8) / 16));
    ticks.dedup();
    ticks
}

/// Tick values for a linear axis from 0 to `tallest`: multiples of the first
/// step of 1, 2, 5, 10, 20, 50, … that needs at most five ticks above 0.
fn linear_ticks(tallest: usize) -> Vec<usize> {
    let mut step = 1;
    while step * 5 < tallest {
        step = next_step(step);
    }
    (0..=tallest / step).map(|i| i * step).collect()
}

/// The step after `step` in 1, 2, 5, 10, 20, 50, …
fn next_step(step: usize) -> usize {
    let mut decade = 1;
    while decade * 10 <= step {
        decade *= 10;
    }
    match step / decade {
        1 => 2 * decade,
        2 => 5 * decade,
        _ => 10 * decade,
    }
}

/// The plotting area within a figure, in SVG user units.
#[derive(Debug, Clone, Copy)]
struct Plot {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

impl Plot {
    fn width(&self) -> f64 {
        self.right - self.left
    }

    fn height(&self) -> f64 {
        self.bottom - self.top
    }
}

/// An SVG document being written, element by element.
#[derive(Debug)]
struct Canvas {
    svg: String,
}

/// Two decimals for every coordinate, so output never depends on float printing.
fn c(value: f64) -> String {
    fixed(value, 2)
}

impl Canvas {
    fn new(width: f64, height: f64, title: &str) -> Canvas {
        let mut svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{w}\" height=\"{h}\" \
             viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"12\">\n",
            w = c(width),
            h = c(height),
        );
        svg.push_str(&format!("<title>{}</title>\n", escape_xml(title)));
        svg.push_str(&format!(
            "<rect class=\"background\" x=\"0.00\" y=\"0.00\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n",
            c(width),
            c(height)
        ));
        Canvas { svg }
    }

    fn finish(mut self) -> String {
        self.svg.push_str("</svg>\n");
        self.svg
    }

    fn heading(&mut self, x: f64, y: f64, text: &str) {
        self.svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{}</text>\n",
            c(x),
            c(y),
            escape_xml(text)
        ));
    }

    fn text_at(&mut self, x: f64, y: f64, anchor: &str, text: &str) {
        self.svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>\n",
            c(x),
            c(y),
            escape_xml(text)
        ));
    }

    fn axes(&mut self, plot: &Plot) {
        self.svg.push_str(&format!(
            "<path class=\"axes\" d=\"M {l} {t} L {l} {b} L {r} {b}\" fill=\"none\" stroke=\"#333333\"/>\n",
            l = c(plot.left),
            t = c(plot.top),
            b = c(plot.bottom),
            r = c(plot.right),
        ));
    }

    fn x_tick(&mut self, plot: &Plot, x: f64, label: &str) {
        self.svg.push_str(&format!(
            "<line class=\"tick\" x1=\"{x}\" y1=\"{b}\" x2=\"{x}\" y2=\"{b5}\" stroke=\"#333333\"/>\n",
            x = c(x),
            b = c(plot.bottom),
            b5 = c(plot.bottom + 5.0),
        ));
        self.text_at(x, plot.bottom + 18.0, "middle", label);
    }

    fn y_tick(&mut self, plot: &Plot, y: f64, label: &str) {
        self.svg.push_str(&format!(
            "<line class=\"tick\" x1=\"{l5}\" y1=\"{y}\" x2=\"{l}\" y2=\"{y}\" stroke=\"#333333\"/>\n",
            l5 = c(plot.left - 5.0),
            l = c(plot.left),
            y = c(y),
        ));
        self.text_at(plot.left - 8.0, y + 4.0, "end", label);
    }

    fn x_label(&mut self, plot: &Plot, y: f64, text: &str) {
        self.text_at((plot.left + plot.right) / 2.0, y, "middle", text);
    }

    fn y_label(&mut self, plot: &Plot, text: &str) {
        let x = 18.0;
        let y = (plot.top + plot.bottom) / 2.0;
        self.svg.push_str(&format!(
            "<text x=\"{x}\" y=\"{y}\" text-anchor=\"middle\" transform=\"rotate(-90 {x} {y})\">{}</text>\n",
            escape_xml(text),
            x = c(x),
            y = c(y),
        ));
    }

    fn bar(&mut self, x: f64, y: f64, width: f64, height: f64, tooltip: &str) {
        self.svg.push_str(&format!(
            "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#4878a8\"><title>{}</title></rect>\n",
            c(x),
            c(y),
            c(width),
            c(height),
            escape_xml(tooltip)
        ));
    }

    fn threshold_line(&mut self, plot: &Plot, x: f64, label: &str) {
        self.svg.push_str(&format!(
            "<line class=\"threshold\" x1=\"{x}\" y1=\"{t}\" x2=\"{x}\" y2=\"{b}\" stroke=\"#c0392b\" \
             stroke-dasharray=\"6 4\"/>\n",
            x = c(x),
            t = c(plot.top),
            b = c(plot.bottom),
        ));
        self.text_at(x, plot.top - 4.0, "middle", label);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            escape_xml(r#"a & b < c > "d" 'e'"#),
            "a &amp; b &lt; c &gt; &quot;d&quot; &apos;e&apos;"
        );
        assert_eq!(escape_xml("bell\u{7}\u{0}tab\tend"), "belltab end");
        assert_eq!(escape_xml("héllo ±"), "héllo ±");
    }

    fn check_linear(tallest: usize, expect: &[usize]) {
        assert_eq!(linear_ticks(tallest), expect, "linear_ticks({tallest})");
    }

    #[test]
    fn linear_ticks_use_steps_of_1_2_5() {
        check_linear(0, &[0]);
        check_linear(1, &[0, 1]);
        check_linear(5, &[0, 1, 2, 3, 4, 5]);
        check_linear(6, &[0, 2, 4, 6]);
        check_linear(11, &[0, 5, 10]);
        check_linear(37, &[0, 10, 20, 30]);
        check_linear(240, &[0, 50, 100, 150, 200]);
        check_linear(1000, &[0, 200, 400, 600, 800, 1000]);
    }

    #[test]
    fn sqrt_ticks_are_whole_counts_up_to_the_tallest() {
        assert_eq!(sqrt_ticks(0), [0]);
        assert_eq!(sqrt_ticks(1), [0, 1]);
        assert_eq!(sqrt_ticks(16), [0, 1, 4, 9, 16]);
        assert_eq!(sqrt_ticks(1000), [0, 63, 250, 563, 1000]);
    }
}

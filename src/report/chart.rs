//! The chart mailed with a report: tickets opened and resolved per day, and the share of
//! first-response targets kept, drawn with plotters into a PNG in memory (no browser, no
//! system fonts: DejaVu Sans is compiled in).

use super::Group;
use crate::engine::sla::Metric;
use crate::types::Language;
use plotters::prelude::*;
use std::sync::Once;

/// The chart's size in pixels.
pub const WIDTH: u32 = 900;
/// The chart's height.
pub const HEIGHT: u32 = 480;

static FONT: Once = Once::new();

fn register_font() {
    FONT.call_once(|| {
        // The bytes are DejaVu Sans itself, known good: a failure here is a build fault.
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
    });
}

fn say(language: Language, en: &'static str, id: &'static str) -> &'static str {
    match language {
        Language::En => en,
        Language::Id => id,
    }
}

/// The chart of a by-day report's groups, titled `title`, as PNG bytes.
pub fn png(days: &[Group], title: &str, language: Language) -> Result<Vec<u8>, String> {
    register_font();
    let mut pixels = vec![255u8; (WIDTH * HEIGHT * 3) as usize];
    draw(&mut pixels, days, title, language).map_err(|e| format!("the chart: {e}"))?;
    encode(&pixels)
}

fn draw(
    pixels: &mut [u8],
    days: &[Group],
    title: &str,
    language: Language,
) -> Result<(), Box<dyn std::error::Error>> {
    let root = BitMapBackend::with_buffer(pixels, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(title, ("sans-serif", 20))?;
    let (upper, lower) = root.split_vertically(HEIGHT * 60 / 100);
    let most = days
        .iter()
        .map(|d| d.figures.opened.max(d.figures.closed))
        .max()
        .unwrap_or(0)
        .max(1);
    let count = days.len().max(1) as u32;
    let label = |x: &SegmentValue<u32>| match x {
        SegmentValue::CenterOf(at) => days.get(*at as usize).map_or(String::new(), |d| {
            d.key.get(5..).unwrap_or(&d.key).to_string()
        }),
        _ => String::new(),
    };
    // Each day is a segment; its two bars share it, side by side.
    let half = ((WIDTH - 80) / count / 2).max(1);
    let mut tickets = ChartBuilder::on(&upper)
        .margin(10)
        .x_label_area_size(28)
        .y_label_area_size(44)
        .build_cartesian_2d(
            (0u32..count - 1).into_segmented(),
            0u32..most + most * 3 / 10 + 1,
        )?;
    tickets
        .configure_mesh()
        .light_line_style(WHITE)
        .disable_x_mesh()
        .x_labels(days.len().clamp(1, 14))
        .x_label_formatter(&label)
        .y_desc(say(language, "tickets", "tiket"))
        .label_style(("sans-serif", 13))
        .draw()?;
    let opened = RGBColor(52, 101, 164);
    let closed = RGBColor(115, 210, 22);
    tickets
        .draw_series(days.iter().enumerate().map(|(at, day)| {
            let x = at as u32;
            let mut bar = Rectangle::new(
                [
                    (SegmentValue::Exact(x), 0),
                    (SegmentValue::Exact(x + 1), day.figures.opened),
                ],
                opened.filled(),
            );
            bar.set_margin(0, 0, 3, half);
            bar
        }))?
        .label(say(language, "opened", "masuk"))
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], opened.filled()));
    tickets
        .draw_series(days.iter().enumerate().map(|(at, day)| {
            let x = at as u32;
            let mut bar = Rectangle::new(
                [
                    (SegmentValue::Exact(x), 0),
                    (SegmentValue::Exact(x + 1), day.figures.closed),
                ],
                closed.filled(),
            );
            bar.set_margin(0, 0, half, 3);
            bar
        }))?
        .label(say(language, "resolved", "selesai"))
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], closed.filled()));
    tickets
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .label_font(("sans-serif", 13))
        .draw()?;

    let mut sla = ChartBuilder::on(&lower)
        .margin(10)
        .x_label_area_size(28)
        .y_label_area_size(44)
        .build_cartesian_2d((0u32..count - 1).into_segmented(), 0u32..101u32)?;
    sla.configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .y_labels(6)
        .x_label_formatter(&label)
        .y_desc(say(
            language,
            "first response kept %",
            "respons pertama tepat %",
        ))
        .label_style(("sans-serif", 13))
        .draw()?;
    let kept: Vec<(SegmentValue<u32>, u32)> = days
        .iter()
        .enumerate()
        .filter_map(|(at, day)| {
            let a = day
                .figures
                .sla
                .iter()
                .find(|a| a.metric == Metric::FirstResponse)?;
            let all = a.met + a.missed;
            (all > 0).then(|| (SegmentValue::CenterOf(at as u32), a.met * 100 / all))
        })
        .collect();
    let line = RGBColor(204, 0, 0);
    sla.draw_series(LineSeries::new(
        kept.iter().map(|(x, y)| (x.clone(), *y)),
        line.stroke_width(2),
    ))?;
    sla.draw_series(
        kept.iter()
            .map(|(x, y)| Circle::new((x.clone(), *y), 3, line.filled())),
    )?;
    root.present()?;
    Ok(())
}

/// RGB pixels as a PNG file.
fn encode(pixels: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(pixels).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Attainment, Figures};

    #[test]
    fn a_week_draws_into_a_png_that_decodes_to_its_size() {
        let days: Vec<Group> = (0..7)
            .map(|day| Group {
                key: format!("2026-11-{:02}", 23 + day),
                figures: Figures {
                    opened: 3 + day,
                    closed: 2 + day / 2,
                    sla: vec![Attainment {
                        metric: Metric::FirstResponse,
                        met: day,
                        missed: 1,
                    }],
                    ..Figures::default()
                },
            })
            .collect();
        let bytes = png(&days, "Support, 2026-11-23 to 2026-11-29", Language::En).expect("a chart");
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG signature");
        let decoder = png::Decoder::new(bytes.as_slice());
        let reader = decoder.read_info().expect("a PNG header");
        assert_eq!((reader.info().width, reader.info().height), (WIDTH, HEIGHT));
        // Not a blank page: bars in the opened colour were drawn.
        let mut reader = reader;
        let mut pixels = vec![0; reader.output_buffer_size()];
        reader.next_frame(&mut pixels).expect("the pixels");
        let blue = pixels.chunks(3).filter(|p| p == &[52, 101, 164]).count();
        assert!(blue > 1000, "{blue} pixels of bars");
    }
}

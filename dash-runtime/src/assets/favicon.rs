//! The built-in favicon served at `_favicon.ico`: a 16×16 icon drawn here (a small blue
//! tile with three rising white bars), encoded as a one-image `.ico` with a 32-bit BMP.

use std::sync::LazyLock;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;

use super::http_cache;

const SIZE: usize = 16;
/// BGRA colours.
const TILE: [u8; 4] = [0xd6, 0x6b, 0x25, 0xff];
const BAR: [u8; 4] = [0xff, 0xff, 0xff, 0xff];
const CLEAR: [u8; 4] = [0, 0, 0, 0];
/// `(first column, top row)` of each two-pixel-wide bar; all bars end on row 12.
const BARS: [(usize, usize); 3] = [(3, 8), (7, 5), (11, 2)];
const BASELINE: usize = 12;

static ICON: LazyLock<Bytes> = LazyLock::new(|| Bytes::from(encode_ico()));

/// The colour of pixel `(x, y)`, `y` counted from the top.
fn pixel(x: usize, y: usize) -> [u8; 4] {
    let last = SIZE - 1;
    // Round the tile's corners by leaving out three pixels at each.
    let dx = x.min(last - x);
    let dy = y.min(last - y);
    if dx + dy < 2 {
        return CLEAR;
    }
    let on_bar = BARS
        .iter()
        .any(|&(x0, top)| (x0..x0 + 2).contains(&x) && (top..=BASELINE).contains(&y));
    if on_bar {
        BAR
    } else {
        TILE
    }
}

fn encode_ico() -> Vec<u8> {
    let pixels = SIZE * SIZE * 4;
    // The AND mask: one bit per pixel, rows padded to 32 bits; all zero (alpha decides).
    let mask = SIZE * SIZE.div_ceil(32) * 4;
    let image = 40 + pixels + mask;
    let mut out = Vec::with_capacity(6 + 16 + image);
    // ICONDIR: reserved, type 1 (icon), one image.
    out.extend_from_slice(&[0, 0, 1, 0, 1, 0]);
    // ICONDIRENTRY: width, height, colours, reserved, planes, bits, size, offset.
    out.extend_from_slice(&[SIZE as u8, SIZE as u8, 0, 0, 1, 0, 32, 0]);
    out.extend_from_slice(&(image as u32).to_le_bytes());
    out.extend_from_slice(&22u32.to_le_bytes());
    // BITMAPINFOHEADER; the height counts the colour rows and the mask rows.
    out.extend_from_slice(&40u32.to_le_bytes());
    out.extend_from_slice(&(SIZE as i32).to_le_bytes());
    out.extend_from_slice(&((2 * SIZE) as i32).to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&32u16.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes()); // no compression
    out.extend_from_slice(&((pixels + mask) as u32).to_le_bytes());
    out.extend_from_slice(&[0; 16]); // resolution and palette counts
    for y in (0..SIZE).rev() {
        for x in 0..SIZE {
            out.extend_from_slice(&pixel(x, y));
        }
    }
    out.resize(out.len() + mask, 0);
    out
}

/// The icon's bytes (`image/x-icon`).
pub fn favicon_bytes() -> Bytes {
    ICON.clone()
}

/// Answers `GET _favicon.ico` with the built-in icon (`image/x-icon`, cacheable for a day;
/// the index links it as `_favicon.ico?v=<dash version>`).
pub fn favicon_response() -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/x-icon"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    http_cache::respond(StatusCode::OK, headers, Body::from(favicon_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_a_well_formed_ico() {
        let ico = favicon_bytes();
        assert_eq!(&ico[..6], &[0, 0, 1, 0, 1, 0]);
        let size = u32::from_le_bytes([ico[14], ico[15], ico[16], ico[17]]) as usize;
        let offset = u32::from_le_bytes([ico[18], ico[19], ico[20], ico[21]]) as usize;
        assert_eq!(offset, 22);
        assert_eq!(offset + size, ico.len());
        assert_eq!(ico.len(), 22 + 40 + 16 * 16 * 4 + 64);
        // Corners are transparent, the middle is opaque.
        assert_eq!(pixel(0, 0), CLEAR);
        assert_eq!(pixel(8, 14)[3], 0xff);
    }

    #[tokio::test]
    async fn response_headers() {
        let response = favicon_response();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "image/x-icon");
    }
}

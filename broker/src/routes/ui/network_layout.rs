//! Where the network picture puts each application: a layered drawing (the Sugiyama method) that
//! stays readable at the size of a real estate.
//!
//! 1. Cycles are broken by turning round the edges a depth-first search finds going back, so
//!    every application gets a layer.
//! 2. Each application's layer is the longest chain of consumers above it: consumers are drawn
//!    above their providers.
//! 3. Within each layer, applications are ordered by the barycentre of their neighbours,
//!    sweeping down and up a few times, which removes most crossings.
//! 4. A layer wider than the picture wraps onto several rows, its applications dealt across
//!    them in order so that left stays left. Layers are set wide apart when there is room; when
//!    the layers are too many to fit, the gaps between them shrink and then neighbouring layers
//!    share a band.
//!
//! The picture is bounded by [`MAX_SIDE`] on both sides for any estate that fits at all: 100
//! applications and 300 integrations in realistic shapes take well under it.

use std::collections::BTreeMap;

/// The longest side of the picture, in pixels.
pub(crate) const MAX_SIDE: i64 = 2400;
/// An application's box.
pub(crate) const NODE_WIDTH: i64 = 150;
/// An application's box.
pub(crate) const NODE_HEIGHT: i64 = 28;
const NODE_GAP: i64 = 16;
const ROW_GAP: i64 = 12;
/// The gaps between layers tried in turn, widest first: room for the arrows to part.
const LAYER_GAPS: [i64; 3] = [140, 64, 28];
const MARGIN: i64 = 20;
const SWEEPS: usize = 6;

/// The drawing: each application's top-left corner, and the picture's size.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    /// The top-left corner of each application's box, by its index in the input.
    pub(crate) places: Vec<(i64, i64)>,
    /// The picture's width.
    pub(crate) width: i64,
    /// The picture's height.
    pub(crate) height: i64,
}

/// Lays out `count` applications joined by `edges` (consumer index, provider index).
pub(crate) fn layout(count: usize, edges: &[(usize, usize)]) -> Layout {
    if count == 0 {
        return Layout {
            places: Vec::new(),
            width: 2 * MARGIN,
            height: 2 * MARGIN,
        };
    }
    let acyclic = break_cycles(count, edges);
    let mut layers = longest_path_layers(count, &acyclic);
    let per_row = usize::try_from((MAX_SIDE - 2 * MARGIN + NODE_GAP) / (NODE_WIDTH + NODE_GAP))
        .unwrap_or(1)
        .max(1);
    // Too many layers to stack: neighbouring layers share a band.
    let budget = |layer_gap: i64, rows: i64, bands: i64| {
        2 * MARGIN + rows * NODE_HEIGHT + (rows - bands) * ROW_GAP + (bands - 1).max(0) * layer_gap
    };
    let rows_of = |layers: &[usize]| -> (i64, i64) {
        let mut sizes: BTreeMap<usize, usize> = BTreeMap::new();
        for layer in layers {
            *sizes.entry(*layer).or_default() += 1;
        }
        let rows: usize = sizes.values().map(|n| n.div_ceil(per_row)).sum();
        (
            i64::try_from(rows).unwrap_or(i64::MAX),
            i64::try_from(sizes.len()).unwrap_or(i64::MAX),
        )
    };
    let (rows, bands) = rows_of(&layers);
    let layer_gap = LAYER_GAPS
        .into_iter()
        .find(|gap| budget(*gap, rows, bands) <= MAX_SIDE)
        .unwrap_or(LAYER_GAPS[LAYER_GAPS.len() - 1]);
    let mut bands_wanted = bands;
    while bands_wanted > 1 {
        let (rows, bands) = rows_of(&layers);
        if budget(layer_gap, rows, bands) <= MAX_SIDE {
            break;
        }
        bands_wanted -= 1;
        let deepest = layers.iter().copied().max().unwrap_or(0);
        let scale = |layer: usize| {
            let wanted = usize::try_from(bands_wanted).unwrap_or(1);
            layer * wanted / (deepest + 1)
        };
        layers = longest_path_layers(count, &acyclic)
            .into_iter()
            .map(scale)
            .collect();
    }
    let order = order_layers(&layers, &acyclic);
    place(&order, per_row, layer_gap)
}

/// The edges with those that close a cycle turned round (and self-edges left out).
fn break_cycles(count: usize, edges: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); count];
    for &(from, to) in edges {
        if from != to && from < count && to < count {
            out_edges[from].push(to);
        }
    }
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut mark = vec![Mark::New; count];
    let mut kept = Vec::new();
    for start in 0..count {
        if mark[start] != Mark::New {
            continue;
        }
        // An explicit stack of (node, next edge to follow), so deep chains cannot overflow.
        let mut stack = vec![(start, 0usize)];
        mark[start] = Mark::Open;
        while let Some((node, next)) = stack.last_mut() {
            let node = *node;
            let Some(&to) = out_edges[node].get(*next) else {
                mark[node] = Mark::Done;
                stack.pop();
                continue;
            };
            *next += 1;
            match mark[to] {
                Mark::Open => kept.push((to, node)),
                Mark::Done => kept.push((node, to)),
                Mark::New => {
                    kept.push((node, to));
                    mark[to] = Mark::Open;
                    stack.push((to, 0));
                }
            }
        }
    }
    kept.sort_unstable();
    kept.dedup();
    kept
}

/// Each node's layer: 0 for a node no edge points to, else one below its deepest source.
fn longest_path_layers(count: usize, acyclic: &[(usize, usize)]) -> Vec<usize> {
    let mut incoming = vec![0usize; count];
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); count];
    for &(from, to) in acyclic {
        incoming[to] += 1;
        out_edges[from].push(to);
    }
    let mut layer = vec![0usize; count];
    let mut ready: Vec<usize> = (0..count).filter(|&n| incoming[n] == 0).collect();
    while let Some(node) = ready.pop() {
        for &to in &out_edges[node] {
            layer[to] = layer[to].max(layer[node] + 1);
            incoming[to] -= 1;
            if incoming[to] == 0 {
                ready.push(to);
            }
        }
    }
    layer
}

/// The nodes of each layer, top to bottom, each layer ordered left to right by barycentre.
fn order_layers(layers: &[usize], acyclic: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let deepest = layers.iter().copied().max().unwrap_or(0);
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); deepest + 1];
    for (node, &layer) in layers.iter().enumerate() {
        order[layer].push(node);
    }
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); layers.len()];
    for &(from, to) in acyclic {
        neighbours[from].push(to);
        neighbours[to].push(from);
    }
    // Each node's place in its layer, as a fraction of the layer's width.
    let mut position = vec![0.0f64; layers.len()];
    let set_positions = |order: &[Vec<usize>], position: &mut [f64]| {
        for layer in order {
            let n = layer.len().max(1) as f64;
            for (i, &node) in layer.iter().enumerate() {
                position[node] = (i as f64 + 0.5) / n;
            }
        }
    };
    set_positions(&order, &mut position);
    for sweep in 0..SWEEPS {
        let down = sweep % 2 == 0;
        let indices: Vec<usize> = if down {
            (0..order.len()).collect()
        } else {
            (0..order.len()).rev().collect()
        };
        for index in indices {
            let mut keyed: Vec<(f64, usize, usize)> = order[index]
                .iter()
                .enumerate()
                .map(|(i, &node)| {
                    // Neighbours on the side the sweep comes from (above when going down).
                    let sides: Vec<f64> = neighbours[node]
                        .iter()
                        .filter(|&&m| {
                            if down {
                                layers[m] < layers[node]
                            } else {
                                layers[m] > layers[node]
                            }
                        })
                        .map(|&m| position[m])
                        .collect();
                    let centre = if sides.is_empty() {
                        position[node]
                    } else {
                        sides.iter().sum::<f64>() / sides.len() as f64
                    };
                    (centre, i, node)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            order[index] = keyed.into_iter().map(|(_, _, node)| node).collect();
            let n = order[index].len().max(1) as f64;
            for (i, &node) in order[index].iter().enumerate() {
                position[node] = (i as f64 + 0.5) / n;
            }
        }
    }
    order
}

/// Corners for the ordered layers: each layer on as many rows as it needs, its nodes dealt
/// across the rows in order and each row centred.
fn place(order: &[Vec<usize>], per_row: usize, layer_gap: i64) -> Layout {
    let count: usize = order.iter().map(Vec::len).sum();
    let mut places = vec![(0, 0); count];
    let widest = order
        .iter()
        .map(|layer| layer.len().div_ceil(layer.len().div_ceil(per_row).max(1)))
        .max()
        .unwrap_or(1);
    let widest = i64::try_from(widest).unwrap_or(1);
    let width = 2 * MARGIN + widest * NODE_WIDTH + (widest - 1).max(0) * NODE_GAP;
    let mut y = MARGIN;
    for (index, layer) in order.iter().enumerate() {
        if layer.is_empty() {
            continue;
        }
        if index > 0 && y > MARGIN {
            y += layer_gap - ROW_GAP;
        }
        let rows = layer.len().div_ceil(per_row).max(1);
        for row in 0..rows {
            let members: Vec<usize> = layer.iter().copied().skip(row).step_by(rows).collect();
            let n = i64::try_from(members.len()).unwrap_or(0);
            let used = n * NODE_WIDTH + (n - 1).max(0) * NODE_GAP;
            let left = (width - used) / 2;
            for (k, node) in members.into_iter().enumerate() {
                let k = i64::try_from(k).unwrap_or(0);
                places[node] = (left + k * (NODE_WIDTH + NODE_GAP), y);
            }
            y += NODE_HEIGHT + ROW_GAP;
        }
    }
    let height = y - ROW_GAP + MARGIN;
    Layout {
        places,
        width,
        height,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overlaps(layout: &Layout) -> bool {
        let mut seen = std::collections::HashSet::new();
        layout.places.iter().any(|p| !seen.insert(*p))
    }

    #[test]
    fn consumers_sit_above_their_providers() {
        let layout = layout(3, &[(0, 1), (1, 2)]);
        let y = |n: usize| layout.places[n].1;
        assert!(y(0) < y(1) && y(1) < y(2), "{layout:?}");
    }

    #[test]
    fn a_cycle_still_gets_layers() {
        let layout = layout(3, &[(0, 1), (1, 2), (2, 0)]);
        assert!(!overlaps(&layout), "{layout:?}");
        assert!(layout.height <= MAX_SIDE);
    }

    #[test]
    fn barycentres_uncross_a_simple_crossing() {
        // 0 → 3 and 1 → 2: by name the arrows cross; ordered, they do not.
        let layout = layout(4, &[(0, 3), (1, 2)]);
        let x = |n: usize| layout.places[n].0;
        assert_eq!(x(0) < x(1), x(3) < x(2), "{layout:?}");
    }

    #[test]
    fn a_hundred_in_one_chain_and_a_hundred_in_one_layer_both_fit() {
        let chain: Vec<(usize, usize)> = (0..99).map(|i| (i, i + 1)).collect();
        let tall = layout(100, &chain);
        assert!(tall.width <= MAX_SIDE && tall.height <= MAX_SIDE, "{tall:?}");
        assert!(!overlaps(&tall));
        let star: Vec<(usize, usize)> = (1..100).map(|i| (i, 0)).collect();
        let wide = layout(100, &star);
        assert!(wide.width <= MAX_SIDE && wide.height <= MAX_SIDE, "{wide:?}");
        assert!(!overlaps(&wide));
    }
}

#include "tools/mapper.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <numeric>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "base/error.h"
#include "contract/registers.h"
#include "model/memory/bank_model.h"
#include "model/memory/dram_config.h"
#include "model/timing/cost_model.h"
#include "sw/tiling.h"

namespace qacc {
namespace {

using timing::ceil_div;

// A dimension of `total` cut into tiles of `size`: {size, count} pieces, the full ones
// first and the edge last, as the controller walks them.
std::vector<std::pair<std::uint32_t, std::uint64_t>> pieces(std::uint32_t total, std::uint32_t size) {
  std::vector<std::pair<std::uint32_t, std::uint64_t>> out;
  if (total / size > 0) out.push_back({size, total / size});
  if (total % size > 0) out.push_back({total % size, 1});
  return out;
}

// DMA time of `rows` rows of `row_bytes` each, with bursts pipelined up to
// dma_max_outstanding deep: each burst occupies the issue stage for its setup, the
// data port for its beats, and a place for its whole latency (`busy`, the sum of the
// largest of those per burst); the last one's latency shows beyond that (`tail`).
// Transfers queued together share one tail. With one burst in flight the tail is 0
// and `busy` timing::dma_transfer_cycles exactly.
struct Transfer {
  std::uint64_t busy = 0, tail = 0, bytes = 0;
  // Sums over its bursts, for a floor no run can beat: issue-stage cycles (setup),
  // port cycles, and place-cycles (each burst holds a place for its whole latency).
  std::uint64_t issue = 0, port = 0, places = 0;
  std::uint64_t cycles() const { return busy + tail; }
};
std::uint64_t together(std::initializer_list<Transfer> transfers) {
  std::uint64_t busy = 0, tail = 0;
  for (const Transfer& t : transfers) {
    busy += t.busy;
    tail = std::max(tail, t.tail);
  }
  return busy + tail;
}

// The DRAM as the estimate sees it. The simple model is its two numbers. A model with
// banks (banked, dramsys) is reduced, from its device, to the same two for a row hit,
// plus what a DRAM page costs, in accelerator cycles (timing.md §7, calibrated against
// the banked model's sim_memtest patterns):
//   bytes per cycle = burst bytes / (max(tCCD_L, BL/2) · tCK) · (1 − tRFC/tREFI)
//   latency         = (request delay + RL + response delay) · tCK     to the first data
//   a page          = tRP + tRCD to open, and at least tRC in all
// Each transfer opens its own pages: the operands' streams lie in different rows and
// alternate, and in ddr4-example's mapping all of them in one bank.
struct DramView {
  ArchConfig config;  // dram_latency_cycles and dram_bytes_per_cycle: the effective ones
  double bytes_per_cycle = 0;
  std::uint64_t burst_bytes = 0;  // a DRAM burst: a DMA burst moves whole ones (0: bytes)
  std::uint64_t page_bytes = 0;   // 0: no pages (the simple model)
  double page_open = 0, page_min = 0;
};

DramView dram_view(const ArchConfig& c) {
  DramView v{c, double(c.dram_bytes_per_cycle), 0, 0, 0, 0};
  if (c.dram_model == DramModel::kSimple) return v;
  DramDevice d;
  try {
    const DramConfigFile file = find_dram_config(c.dram_memspec);
    d = load_dramsys_device(file.config, file.directory);
  } catch (const UsageError& e) {
    // DRAMSys reads devices the banked model does not (HBM, DDR5, ...): those get the
    // simple formulas. A bad file is the DRAM model's to report, as it does without a
    // mapper; here it would only be reported first.
    if (c.dram_model == DramModel::kDramSys) return v;
    throw UsageError(fmt::format("config key dram_memspec: {}", e.what()));
  }
  const DramConstraints k = dram_constraints(d);
  const double tck = d.tck_ps / (c.cycle_ns() * 1000.0);  // accelerator cycles per DRAM cycle
  const double refresh = d.refresh ? 1.0 - double(d.t.rfc) / d.t.refi : 1.0;
  v.bytes_per_cycle = double(d.bytes_per_burst()) / (std::max(d.t.ccd_l, k.burst) * tck) * refresh;
  v.config.dram_bytes_per_cycle = static_cast<std::uint32_t>(std::max(1.0, std::floor(v.bytes_per_cycle)));
  v.config.dram_latency_cycles = static_cast<std::uint32_t>(
      std::lround((d.request_delay + k.read_data_begin + d.response_delay) * tck));
  v.burst_bytes = d.bytes_per_burst();
  v.page_bytes = d.row_bytes();
  v.page_open = (k.pre_to_act + k.act_to_rdwr) * tck;
  v.page_min = d.t.rc * tck;
  return v;
}

// DRAM pages a transfer opens: rows `stride` bytes apart (0: back to back) in pages of
// `page` bytes, each row's page opened once in order.
std::uint64_t pages(std::uint64_t rows, std::uint64_t row_bytes, std::uint64_t stride, std::uint64_t page) {
  if (stride == 0 || stride <= page) return ceil_div((rows - 1) * (stride == 0 ? row_bytes : stride) + row_bytes, page);
  return rows * ceil_div(row_bytes, page);
}

// `align`: every row starts at a multiple of it from its tensor's start (0: at the start;
// tensors start 64-byte aligned).
// A DMA burst whose start is not on a DRAM burst moves one DRAM burst more, on average
// 1 + (bytes − 1) / burst of them.
Transfer transfer(const DramView& v, std::uint64_t rows, std::uint64_t row_bytes, std::uint64_t stride = 0,
                  std::uint64_t align = 64) {
  const ArchConfig& c = v.config;
  Transfer t;
  if (rows == 0 || row_bytes == 0) return t;
  const auto dram_bytes = [&](std::uint64_t bytes) {
    if (v.burst_bytes == 0) return double(bytes);
    const double b = double(v.burst_bytes);
    return align % v.burst_bytes == 0 ? double(ceil_div(bytes, v.burst_bytes)) * b : b + double(bytes - 1);
  };
  const auto interval = [&](std::uint64_t bytes) {
    const std::uint64_t burst = timing::dma_burst_cycles(c, bytes);
    return std::max({std::uint64_t{c.dma_setup_cycles}, ceil_div(bytes, c.dma_bus_bytes),
                     static_cast<std::uint64_t>(std::ceil(dram_bytes(bytes) / v.bytes_per_cycle)),
                     ceil_div(burst, c.dma_max_outstanding)});
  };
  const std::uint64_t full = row_bytes / c.dma_burst_bytes, rest = row_bytes % c.dma_burst_bytes;
  std::uint64_t per_row = full * interval(c.dma_burst_bytes) + (rest > 0 ? interval(rest) : 0);
  const std::uint64_t last = rest > 0 ? rest : c.dma_burst_bytes;
  t.busy = rows * per_row;
  const std::uint64_t bursts = rows * (full + (rest > 0 ? 1 : 0));
  t.issue = bursts * c.dma_setup_cycles;
  t.port = rows * (full * ceil_div(c.dma_burst_bytes, c.dma_bus_bytes) + (rest > 0 ? ceil_div(rest, c.dma_bus_bytes) : 0));
  t.places = rows * (full * timing::dma_burst_cycles(c, c.dma_burst_bytes) + (rest > 0 ? timing::dma_burst_cycles(c, rest) : 0));
  t.tail = timing::dma_burst_cycles(c, last) - interval(last);
  t.bytes = rows * row_bytes;
  if (v.page_bytes > 0) {  // with banks: each page opened holds the bursts up, and lasts tRC at least
    const auto n = static_cast<double>(pages(rows, row_bytes, stride, v.page_bytes));
    t.busy = std::max(t.busy + static_cast<std::uint64_t>(std::ceil(n * v.page_open)),
                      static_cast<std::uint64_t>(std::ceil(n * v.page_min)));
  }
  return t;
}

// Rows `stride` bytes apart in DRAM; rows that lie back to back in DRAM and in the
// buffer move as one.
Transfer transfer_2d(const DramView& v, std::uint64_t rows, std::uint64_t row_bytes, std::uint64_t stride,
                     bool contiguous, std::uint64_t align) {
  return contiguous ? transfer(v, 1, rows * row_bytes, 0, align) : transfer(v, rows, row_bytes, stride, align);
}

// Sizes worth trying for a dimension of `total`: every size that gives a different
// number of tiles (the smallest such), and the multiples of `step`; with `even`, even
// sizes only (a pooled tile holds whole row pairs), and the whole dimension.
std::vector<std::uint32_t> sizes(std::uint32_t total, std::uint32_t step, bool even) {
  std::set<std::uint32_t> out;
  for (std::uint32_t n = 1; n <= total; ++n) out.insert(static_cast<std::uint32_t>(ceil_div(total, n)));
  for (std::uint32_t v = step; v <= total; v += step) out.insert(v);
  std::vector<std::uint32_t> list;
  for (const std::uint32_t v : out)
    if (!even || v % 2 == 0 || v == total) list.push_back(v);
  return list;
}

double objective(const ArchConfig& c, const LayerEstimate& e) {
  switch (c.mapping_objective) {
    case MappingObjective::kLatency: return static_cast<double>(e.cycles);
    case MappingObjective::kEnergy: return e.energy_pj;
    case MappingObjective::kEdp: return e.energy_pj * static_cast<double>(e.cycles);
  }
  return 0;
}

// The layer as the host maps it: its tiles, walk and reuse (layout_flags).
LayerDescriptor with_tiles(LayerDescriptor d, const TileChoice& t) {
  d.tile_out_channels = t.out_channels;
  d.tile_rows = t.rows;
  d.tile_in_channels = t.in_channels;
  d.flags |= regs::kFlagReuse | (t.rows_outer ? regs::kFlagRowsOuter : 0) | (t.bias_apart ? regs::kFlagBiasApart : 0);
  return d;
}

bool accepted(const ArchConfig& c, const LayerDescriptor& d) {
  return descriptor_problem(d).empty() &&
         fits(buffer_needs(d), {c.input_buffer_bytes, c.weight_buffer_bytes, c.output_buffer_bytes});
}

}  // namespace

const char* to_string(MappingSource source) {
  switch (source) {
    case MappingSource::kFirmware: return "firmware";
    case MappingSource::kPinned: return "pinned";
    case MappingSource::kSearch: return "search";
    case MappingSource::kWholeLayer: return "whole-layer";
  }
  return "?";
}

std::uint32_t layout_flags(const LayerMapping& m) {
  if (m.source == MappingSource::kFirmware) return 0;
  return regs::kFlagReuse | (m.tiles.rows_outer ? regs::kFlagRowsOuter : 0) |
         (m.tiles.bias_apart ? regs::kFlagBiasApart : 0);
}

namespace {

LayerEstimate estimate(const DramView& v, const LayerDescriptor& d) {
  const ArchConfig& c = v.config;
  LayerEstimate e;
  const std::uint32_t k2 = d.kernel * d.kernel, pad = d.padding();
  const std::uint64_t plane = std::uint64_t{d.in_height} * d.in_width;
  const std::uint32_t result_rows_per_row = d.pool() ? 2 : 1;
  const auto oc_pieces = pieces(d.out_channels, d.tile_out_channels);
  const auto row_pieces = pieces(d.out_height(), d.tile_rows);
  const auto ic_pieces = pieces(d.in_channels, d.tile_in_channels);
  bool first_load = true;
  std::uint64_t sram_bytes = 0, dram_bytes = 0;
  // The floor (LayerEstimate::floor): passes and post-processing run one after the
  // other; the DMA's bursts each take the issue stage for their setup, their port for
  // their beats (reads and writes have one each), a place for their whole latency.
  std::uint64_t serial = 0, issue = 0, read_port = 0, write_port = 0, places = 0;
  const auto moved = [&](const Transfer& t, std::uint64_t times, bool write) {
    issue += times * t.issue;
    (write ? write_port : read_port) += times * t.port;
    places += times * t.places;
  };
  // With reuse and one chunk per tile, consecutive steps that share a block load it
  // once (layer_plan.cpp).
  const std::uint64_t oc_tiles = ceil_div(d.out_channels, d.tile_out_channels);
  const std::uint64_t row_tiles = ceil_div(d.out_height(), d.tile_rows);
  const bool reuse = d.reuse() && d.tile_in_channels == d.in_channels;
  const std::uint64_t inner_tiles = d.rows_outer() ? oc_tiles : row_tiles;
  const std::uint64_t chunks = ceil_div(d.in_channels, d.tile_in_channels);
  // The offsets, from the tensor's start, at which a transfer's rows can start: the gcd
  // of the steps that occur (0: every one starts at the tensor's start, which is
  // 64-byte aligned like every tensor).
  const auto starts = [](std::initializer_list<std::pair<bool, std::uint64_t>> steps) {
    std::uint64_t g = 0;
    for (const auto& [occurs, step] : steps)
      if (occurs) g = std::gcd(g, step);
    return g;
  };
  std::int64_t final_adjust = 0;
  for (const auto& [ocs, oc_n] : oc_pieces)
    for (const auto& [rows, row_n] : row_pieces) {
      const std::uint64_t tiles = oc_n * row_n;
      // A step's input rows in the buffer include the halo; those outside the map are
      // not loaded. Channels move as one block only when their rows lie back to back
      // on both sides (no halo rows in the buffer, the whole map loaded).
      const std::uint64_t rows_in = rows + 2 * pad;
      const std::uint64_t valid = std::min<std::uint64_t>(rows_in, d.in_height);
      const std::uint64_t positions = std::uint64_t{rows} * d.out_width();
      // The tile's store: a row of results per output channel, one block when the
      // tile spans the whole map.
      const std::uint64_t result_row_bytes = std::uint64_t{rows / result_rows_per_row} * d.result_width();
      const std::uint64_t result_plane = std::uint64_t{d.result_height()} * d.result_width();
      const bool whole_map = rows == d.out_height();
      const Transfer store = transfer_2d(
          v, ocs, result_row_bytes, result_plane, whole_map,
          starts({{oc_tiles > 1, std::uint64_t{d.tile_out_channels} * result_plane},
                  {!whole_map && ocs > 1, result_plane},
                  {row_tiles > 1, std::uint64_t{d.tile_rows / result_rows_per_row} * d.result_width()}}));
      const std::uint64_t ppu = timing::ppu_cycles(c, std::uint64_t{ocs} * positions);
      for (const auto& [ics, ic_n] : ic_pieces) {
        // A tile's last chunk, and one before it (they differ with os_keep_sums).
        const timing::TileShape shape{std::uint64_t{ics} * k2, positions, ocs};
        const timing::TileShape inner_chunk{shape.k, shape.p, shape.m, false, false};
        const std::uint64_t compute = timing::compute_cycles(c, shape);
        const std::uint64_t compute_inner = timing::compute_cycles(c, inner_chunk);
        const timing::SramTraffic traffic = timing::compute_traffic(c, shape);
        const timing::SramTraffic traffic_inner = timing::compute_traffic(c, inner_chunk);
        const auto pass_bytes = [](const timing::SramTraffic& t) {
          return t.input_reads + t.weight_reads + t.psum_reads + t.psum_writes;
        };
        // A channel's rows are one block when the step loads the whole map; whole
        // input channels make the weight rows one block.
        // Where rows start: chunks, the rows of a channel-strided block, row tiles (their
        // first rows, y - pad), output-channel tiles.
        const std::uint64_t first_rows = pad > 0 ? std::gcd(d.tile_rows, pad) : d.tile_rows;
        const bool merged_inputs = valid * d.in_width == plane && valid == rows_in;
        const Transfer inputs = transfer_2d(v, ics, valid * d.in_width, plane, merged_inputs,
                                            starts({{chunks > 1, std::uint64_t{d.tile_in_channels} * plane},
                                                    {!merged_inputs && ics > 1, plane},
                                                    {row_tiles > 1, first_rows * d.in_width}}));
        const std::uint64_t weight_row = std::uint64_t{d.in_channels} * k2;
        const Transfer weights = transfer_2d(v, ocs, std::uint64_t{ics} * k2, weight_row, ics == d.in_channels,
                                             starts({{oc_tiles > 1, d.tile_out_channels * weight_row},
                                                     {ics != d.in_channels && ocs > 1, weight_row},
                                                     {chunks > 1, std::uint64_t{d.tile_in_channels} * k2}}));
        const Transfer bias =
            transfer(v, 1, 4 * std::uint64_t{ocs}, 0, starts({{oc_tiles > 1, 4 * std::uint64_t{d.tile_out_channels}}}));
        // The edge chunk is a tile's last; with one piece every chunk is the same.
        const bool edge = ic_pieces.size() > 1 && ics == ic_pieces.back().first;
        const std::uint64_t last_chunks = ic_pieces.size() == 1 ? 1 : edge ? 1 : 0;
        const std::uint64_t firsts = ic_pieces.size() == 1 || !edge ? 1 : 0;  // the first chunk is a full one
        const std::uint64_t steps = tiles * ic_n;
        const std::uint64_t load = together({inputs, weights});
        if (first_load) e.cycles += load;  // its bias: with every first chunk, below
        first_load = false;
        e.steps += steps;
        if (reuse) {
          // One chunk: every step is a tile's only one. A step's window holds its pass
          // and post-processing against the next step's new blocks and the previous
          // step's store (queued after that step's PPU, so it runs in this window); the
          // first window has no store before it, the last no loads after it, and the
          // last store follows alone. Which blocks the next step loads: in the inner
          // loop only the inner operand, after a tile that ends an inner run both (the
          // inner loop starting over), and with one inner tile only the outer operand.
          const bool last_outer_piece = d.rows_outer() ? &rows == &row_pieces.back().first : &ocs == &oc_pieces.back().first;
          const bool last_inner_piece = d.rows_outer() ? &ocs == &oc_pieces.back().first : &rows == &row_pieces.back().first;
          const bool first_kind = &ocs == &oc_pieces.front().first && &rows == &row_pieces.front().first;
          const bool final_kind = last_outer_piece && last_inner_piece;
          // A step's weights come with their bias (queued together).
          const Transfer with_bias{weights.busy + bias.busy, std::max(weights.tail, bias.tail), weights.bytes + bias.bytes};
          const Transfer& inner = d.rows_outer() ? with_bias : inputs;
          const Transfer& outer = d.rows_outer() ? inputs : with_bias;
          const std::uint64_t outer_n = d.rows_outer() ? row_n : oc_n;
          const auto window = [&](std::initializer_list<Transfer> dma) { return std::max(compute + ppu, together(dma)); };
          std::uint64_t both = 0, inner_only = 0, outer_only = 0;
          if (inner_tiles > 1) {
            both = last_inner_piece ? outer_n : 0;
            inner_only = tiles - both;
          } else {
            outer_only = tiles;
          }
          if (final_kind) --(inner_tiles > 1 ? both : outer_only);  // the last step: no next loads
          e.cycles += both * window({inputs, with_bias, store}) + inner_only * window({inner, store}) +
                      outer_only * window({outer, store});
          if (final_kind) e.cycles += window({store}) + store.cycles();
          if (first_kind) e.cycles += bias.busy;  // the first step's, after its weights
          if (first_kind && oc_tiles * row_tiles > 1) {  // no store before the first window
            const Transfer& next = inner_tiles > 1 ? inner : outer;
            e.cycles -= window({next, store}) - window({next});
          }
          // Loads: the outer operand at the inner loop's first tile, the inner one at
          // every step (or once, with one inner tile).
          const bool first_inner_piece =
              d.rows_outer() ? &ocs == &oc_pieces.front().first : &rows == &row_pieces.front().first;
          const std::uint64_t outer_loads = first_inner_piece ? outer_n : 0;
          const std::uint64_t inner_loads = inner_tiles > 1 ? tiles : first_kind ? 1 : 0;
          const std::uint64_t weight_loads = d.rows_outer() ? inner_loads : outer_loads;
          const std::uint64_t input_loads = d.rows_outer() ? outer_loads : inner_loads;
          dram_bytes += input_loads * inputs.bytes + weight_loads * (weights.bytes + bias.bytes);
          sram_bytes += steps * pass_bytes(traffic) + input_loads * inputs.bytes + weight_loads * weights.bytes;
          moved(inputs, input_loads, false);
          moved(weights, weight_loads, false);
          moved(bias, weight_loads, false);
          serial += tiles * (compute + ppu);
          continue;
        }
        // Each step: its pass (and at a tile's last chunk the PPU) against the DMA's
        // work meanwhile: the next step's loads, and the finished tile's store.
        const std::uint64_t step = std::max(compute_inner, load);
        const std::uint64_t last_step = std::max(compute + ppu, together({inputs, weights, store}));
        e.cycles += (steps - tiles * last_chunks) * step + tiles * last_chunks * last_step;
        // The layer's final step (the last kind walked) has no next loads: its pass and
        // post-processing, then its store alone.
        if (last_chunks > 0)
          final_adjust = static_cast<std::int64_t>(compute + ppu + store.cycles()) - static_cast<std::int64_t>(last_step);
        e.cycles += tiles * firsts * bias.busy;  // behind the weights, in their tail
        dram_bytes += steps * (inputs.bytes + weights.bytes) + tiles * firsts * bias.bytes;
        sram_bytes += (steps - tiles * last_chunks) * pass_bytes(traffic_inner) +
                      tiles * last_chunks * pass_bytes(traffic) + steps * (inputs.bytes + weights.bytes);
        moved(inputs, steps, false);
        moved(weights, steps, false);
        moved(bias, tiles * firsts, false);
        serial += (steps - tiles * last_chunks) * compute_inner + tiles * last_chunks * (compute + ppu);
      }
      dram_bytes += tiles * store.bytes;
      moved(store, tiles, true);
      // The PPU reads 4 bytes a sum and writes the results, which the store reads.
      sram_bytes += tiles * (4 * std::uint64_t{ocs} * positions + 2 * store.bytes);
    }
  e.cycles = static_cast<std::uint64_t>(static_cast<std::int64_t>(e.cycles) + final_adjust);
  // The DMA's floor holds for the simple DRAM, whose latencies it knows exactly; a DRAM
  // with banks only adds to them, but its view's figures are estimates.
  e.floor = serial;
  if (c.dram_model == DramModel::kSimple)
    e.floor = std::max({serial, issue, read_port, write_port, ceil_div(places, c.dma_max_outstanding)});
  e.energy_pj = c.energy_mac_pj * static_cast<double>(d.macs()) + c.energy_sram_byte_pj * static_cast<double>(sram_bytes) +
                c.energy_dram_byte_pj * static_cast<double>(dram_bytes);
  return e;
}

}  // namespace

LayerEstimate estimate_layer(const ArchConfig& c, const LayerDescriptor& d) { return estimate(dram_view(c), d); }

LayerEstimate estimate_plan(const ArchConfig& c, const LayerDescriptor& shape, const TileChoice& tiles) {
  return estimate_layer(c, with_tiles(shape, tiles));
}

std::vector<TileChoice> candidate_tiles(const ArchConfig& c, const LayerDescriptor& shape) {
  const auto r = static_cast<std::uint32_t>(c.pe_rows), col = static_cast<std::uint32_t>(c.pe_cols);
  const std::uint32_t k2 = shape.kernel * shape.kernel;
  // The array side each dimension lies along: output channels on the columns (WS,
  // OS); input channels x taps on the rows (WS, IS).
  const std::uint32_t oc_step = c.dataflow == Dataflow::kInputStationary ? shape.out_channels : col;
  const std::uint32_t ic_step =
      c.dataflow == Dataflow::kOutputStationary ? shape.in_channels : std::max<std::uint32_t>(1, r / std::max(1u, k2));
  std::vector<TileChoice> out;
  for (const std::uint32_t oc : sizes(shape.out_channels, oc_step, false))
    for (const std::uint32_t rows : sizes(shape.out_height(), shape.out_height(), shape.pool()))
      for (const std::uint32_t ic : sizes(shape.in_channels, ic_step, false)) {
        // The bias moves to the output buffer only for tiles that do not fit with it in
        // the weight halves (elsewhere its place changes no cycle of ideal buffers, and
        // it would stop layer_overlap's prefetch).
        TileChoice t{oc, rows, ic};
        if (!accepted(c, with_tiles(shape, t))) {
          t.bias_apart = true;
          if (!accepted(c, with_tiles(shape, t))) continue;
        }
        out.push_back(t);
        // The walk matters only where a step can share a block with the next: one
        // chunk per tile, and several tiles in both loops.
        if (ic == shape.in_channels && oc < shape.out_channels && rows < shape.out_height()) {
          t.rows_outer = true;
          out.push_back(t);
        }
      }
  return out;
}

std::vector<LayerMapping> map_layers(const ArchConfig& c, const QuantModel& model) {
  for (const auto& [name, tiles] : c.mapping_pins) {
    const bool known = std::any_of(model.layers.begin(), model.layers.end(), [&](const QuantLayer& l) { return l.name == name; });
    if (!known) throw UsageError(fmt::format("config key mapping.{}: the model has no layer {}", name, name));
  }
  // The DRAM's device is read only when some layer is mapped here.
  std::optional<DramView> view_once;
  const auto view = [&]() -> const DramView& {
    if (!view_once) view_once = dram_view(c);
    return *view_once;
  };
  std::vector<LayerMapping> out;
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    const QuantLayer& l = model.layers[i];
    const LayerDescriptor shape = sw::layer_shape(l, static_cast<std::uint32_t>(i));
    LayerMapping m;
    m.layer = l.name;
    if (const auto pin = c.mapping_pins.find(l.name); pin != c.mapping_pins.end()) {
      const TileChoice& t = pin->second;
      const LayerDescriptor d = with_tiles(shape, t);
      const auto key = fmt::format("config key mapping.{}: {}", l.name, to_string(t));
      if (t.out_channels > shape.out_channels || t.rows > shape.out_height() || t.in_channels > shape.in_channels)
        throw UsageError(fmt::format("{} does not cover layer {} ({} output channels, {} rows, {} input channels)", key,
                                     l.name, shape.out_channels, shape.out_height(), shape.in_channels));
      if (const std::string problem = descriptor_problem(d); !problem.empty())
        throw UsageError(fmt::format("{} for layer {}: {}", key, l.name, problem));
      if (const auto overflow = first_overflow(buffer_needs(d), {c.input_buffer_bytes, c.weight_buffer_bytes,
                                                                 c.output_buffer_bytes}))
        throw UsageError(fmt::format("{} does not fit the buffers of layer {}: {} bytes needed where {} has {}", key,
                                     l.name, overflow->needed,
                                     overflow->buffer == Buffer::kInput    ? "input_buffer_bytes"
                                     : overflow->buffer == Buffer::kWeight ? "weight_buffer_bytes"
                                                                               : "output_buffer_bytes",
                                     overflow->size));
      m.tiles = t;
      m.source = MappingSource::kPinned;
      m.estimate = estimate(view(), d);
    } else if (c.mapping == MappingMode::kWholeLayer &&
               accepted(c, with_tiles(shape, {shape.out_channels, shape.out_height(), shape.in_channels}))) {
      m.tiles = {shape.out_channels, shape.out_height(), shape.in_channels};
      m.source = MappingSource::kWholeLayer;
      m.estimate = estimate(view(), with_tiles(shape, m.tiles));
    } else if (c.mapping == MappingMode::kSearch) {
      double best = 0;
      std::uint64_t best_steps = 0;
      bool found = false;
      for (const TileChoice& t : candidate_tiles(c, shape)) {
        const LayerEstimate e = estimate(view(), with_tiles(shape, t));
        const double score = objective(c, e);
        ++m.candidates;
        // Ties go to fewer, larger steps.
        if (!found || score < best || (score == best && e.steps < best_steps)) {
          found = true;
          best = score;
          best_steps = e.steps;
          m.tiles = t;
          m.estimate = e;
          m.source = MappingSource::kSearch;
        }
      }
      // Nothing fits: the firmware plans the layer, and says so.
    }
    out.push_back(m);
  }
  return out;
}

}  // namespace qacc

// One PE-array pass (model/pe_array/pe_array.h: K reduction terms, P output positions,
// M output channels) on a ROWS x COLS array: the sequencer that walks the folds, the
// array, and the stream ports a buffer wrapper feeds. done comes exactly
// timing::compute_cycles cycles after start when no stream stalls (docs/timing.md §2),
// except where rtl/README.md says the hardware cannot (os_drain parallel with
// fold_overlap and K < R).
//
// Handshake: the pass starts in the cycle where start && start_ready (cycle 0) with the
// shape and options on their inputs (they are latched); the array works in cycles
// 0 .. N-1 and done is high in cycle N, when the next start may already be taken. A
// stream beat moves in a cycle where its valid and ready are both high; ready never
// waits for valid of the same stream, but a missing beat stalls the whole array.
//
// What the streams carry per fold (folds in order: row block outer, column block
// inner; row blocks are R wide, column blocks C wide; a lane past the shape carries 0):
//   ws: b  R beats, beat q = weight row R-1-q of the fold (lane j: output channel j)
//       a  P beats, beat t = input vector of position t (lane i: reduction term i)
//   is: b  R beats, beat q = input row R-1-q (lane j: position j)
//       a  M beats, beat t = weights of output channel t (lane i: reduction term i)
//   os: a  K beats, beat t = term t of the fold's R positions (lane i: position i)
//       b  K beats, beat t = term t of the fold's C output channels (lane j)
// pout gives per fold, lane j = column j: ws P beats (beat t: position t), is M beats
// (beat t: output channel t), os R beats (beat d: position R-1-d; with os_drain
// parallel the last fold's come up to R - 1 cycles after done). Each beat is the
// array's sum plus the pin beat taken with it (bias, or the sums so far), so the
// wrapper keeps the accumulators (TPU-style) and feeds them back.
module pe_pass #(
    parameter int ROWS = 4,
    parameter int COLS = 4
) (
    input  logic               clk,
    input  logic               rst_n,
    // Pass control.
    input  logic               start,
    output logic               start_ready,
    output logic               done,
    output logic               busy,
    input  logic [       15:0] k,
    input  logic [       15:0] p,
    input  logic [       15:0] m,
    input  logic [        1:0] dataflow,                 // ArchConfig's order: 0 ws, 1 os, 2 is
    input  logic               os_drain_parallel,
    input  logic               fold_overlap,
    input  logic               ws_weight_double_buffer,
    // Operand streams, 9-bit signed lanes.
    input  logic               a_valid,
    output logic               a_ready,
    input  logic [ ROWS*9-1:0] a_data,
    input  logic               b_valid,
    output logic               b_ready,
    input  logic [ COLS*9-1:0] b_data,
    // Start values in, sums out, int32 lanes.
    input  logic               pin_valid,
    output logic               pin_ready,
    input  logic [COLS*32-1:0] pin_data,
    output logic               pout_valid,
    input  logic               pout_ready,
    output logic [COLS*32-1:0] pout_data
);
  localparam int SKEW = ROWS + COLS - 2;
  localparam logic [31:0] R32 = 32'(ROWS);
  localparam logic [31:0] C32 = 32'(COLS);
  localparam logic [31:0] S32 = 32'(SKEW);

  typedef enum logic [2:0] {
    LOAD,    // the stationary operand enters, a row a cycle (ws/is)
    STREAM,  // the streamed operand enters, a beat a cycle
    FLUSH,   // the last beat crosses the array (S cycles)
    DRAIN,   // os: the fold's sums leave down the columns (R cycles with shift)
    TAIL     // fold_overlap: the one flush of the pass
  } seg_e;

  // The shape and options: from the inputs in cycle 0, latched for the rest.
  logic [15:0] k_q, p_q, m_q;
  logic [1:0] dataflow_q;
  logic par_q, overlap_q, dbuf_q;
  logic busy_q;
  wire [15:0] k_c = busy_q ? k_q : k;
  wire [15:0] p_c = busy_q ? p_q : p;
  wire [15:0] m_c = busy_q ? m_q : m;
  wire [1:0] dataflow_c = busy_q ? dataflow_q : dataflow;
  wire par_c = busy_q ? par_q : os_drain_parallel;
  wire overlap_c = busy_q ? overlap_q : fold_overlap;
  wire dbuf_c = busy_q ? dbuf_q : ws_weight_double_buffer;

  wire os = dataflow_c == 2'd1;
  wire ws = dataflow_c == 2'd0;
  wire zero = k_c == 16'd0 || p_c == 16'd0 || m_c == 16'd0;
  // The layout of cost_model.cpp: what lies on the rows and columns, what streams.
  wire [31:0] rows_dim = os ? {16'd0, p_c} : {16'd0, k_c};
  wire [31:0] cols_dim = ws || os ? {16'd0, m_c} : {16'd0, p_c};
  wire [31:0] t_len = {16'd0, os ? k_c : (ws ? p_c : m_c)};
  // Folds are counted as row and column blocks, which needs no multiplier.
  wire [31:0] row_blocks = (rows_dim + R32 - 1) / R32;
  wire [31:0] col_blocks = (cols_dim + C32 - 1) / C32;
  wire [31:0] l_len = os ? 32'd0 : R32;
  wire overlap = overlap_c;
  wire dbuf = ws && dbuf_c;
  // os_drain parallel copies a fold's sums at its last MAC and sends them down the
  // columns, R beats through a port COLS wide; with overlapped folds shorter than R
  // the next copy would overwrite them first, so such a fold waits (README).
  wire [31:0] stretch = overlap && !final_fold && {16'd0, k_c} < R32 ? R32 - {16'd0, k_c} : 32'd0;
  wire [31:0] d_len = !os ? 32'd0 : (par_c ? stretch : R32);
  wire [31:0] flush_len = overlap ? 32'd0 : S32;
  wire [31:0] body = t_len + d_len + flush_len;
  wire [31:0] exposed = l_len > body ? l_len - body : 32'd0;
  wire [31:0] tail_len = overlap ? S32 : 32'd0;

  seg_e seg_q;
  logic [31:0] cnt_q, rb_q, cb_q;
  logic start_fire, en;
  wire active = busy_q || (start && !zero);
  wire seg_e seg = busy_q ? seg_q : (os ? STREAM : LOAD);
  wire [31:0] cnt = busy_q ? cnt_q : 32'd0;
  wire [31:0] rb = busy_q ? rb_q : 32'd0;
  wire [31:0] cb = busy_q ? cb_q : 32'd0;
  wire last_cb = cb == col_blocks - 1;
  wire final_fold = rb == row_blocks - 1 && last_cb;

  // With double-buffered weights only the first fold loads in its own time; the others
  // load behind the fold before and wait only for what is left (exposed).
  wire load_beats = (rb == 0 && cb == 0) || !dbuf;
  wire [31:0] next_load_len = dbuf ? exposed : l_len;
  logic [31:0] seg_len;
  always_comb
    unique case (seg)
      LOAD: seg_len = load_beats ? l_len : exposed;
      STREAM: seg_len = t_len;
      FLUSH: seg_len = flush_len;
      DRAIN: seg_len = d_len;
      default: seg_len = tail_len;
    endcase
  wire seg_last = cnt == seg_len - 1;
  wire fold_end = seg_last && (seg == DRAIN || (seg == FLUSH && d_len == 0) ||
                               (seg == STREAM && flush_len == 0 && d_len == 0));
  wire pass_end = (fold_end && final_fold && tail_len == 0) || (seg == TAIL && seg_last);

  seg_e seg_next;
  always_comb begin
    seg_next = seg;
    if (seg_last)
      unique case (seg)
        LOAD: seg_next = STREAM;
        STREAM: seg_next = flush_len != 0 ? FLUSH : (d_len != 0 ? DRAIN : STREAM);
        FLUSH: seg_next = d_len != 0 ? DRAIN : FLUSH;
        default: seg_next = seg;
      endcase
    if (fold_end) seg_next = final_fold ? TAIL : (next_load_len != 0 ? LOAD : STREAM);
  end

  // The background weight loader (ws_weight_double_buffer): the next fold's R rows
  // enter while this fold streams, starting with its first beat.
  logic ld_run_q;
  logic [31:0] ld_cnt_q;
  wire ld_begin = active && dbuf && seg == STREAM && cnt == 0 && !final_fold;
  wire ld_now = ld_run_q || ld_begin;
  wire [31:0] ld_idx = ld_run_q ? ld_cnt_q : 32'd0;

  wire a_need = active && seg == STREAM;
  wire b_need = (active && ((seg == LOAD && load_beats && !os) || (os && seg == STREAM))) || ld_now;
  wire b_latch = (active && seg == LOAD && load_beats && !os && cnt == R32 - 1) ||
                 (ld_now && ld_idx == R32 - 1);
  wire a_last = a_need && seg_last;

  logic [COLS*32-1:0] arr_out;
  for (genvar j = 0; j < COLS; j++) begin : g_add
    assign pout_data[j*32+:32] = arr_out[j*32+:32] + pin_data[j*32+:32];
  end

  assign en = !(a_need && !a_valid) && !(b_need && !b_valid) &&
              !(pout_valid && !(pout_ready && pin_valid));
  assign a_ready = a_need && en;
  assign b_ready = b_need && en;
  assign pin_ready = pout_valid && en;
  assign start_ready = !busy_q && en;
  assign start_fire = start && start_ready;
  assign busy = busy_q;

  logic done_q;
  assign done = done_q || (start_fire && zero);

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      busy_q <= 1'b0;
      done_q <= 1'b0;
      seg_q <= LOAD;
      cnt_q <= '0;
      rb_q <= '0;
      cb_q <= '0;
      ld_run_q <= 1'b0;
      ld_cnt_q <= '0;
      {k_q, p_q, m_q, dataflow_q, par_q, overlap_q, dbuf_q} <= '0;
    end else if (en) begin
      if (start_fire)
        {k_q, p_q, m_q, dataflow_q, par_q, overlap_q, dbuf_q} <=
            {k, p, m, dataflow, os_drain_parallel, fold_overlap, ws_weight_double_buffer};
      done_q <= active && pass_end;
      busy_q <= active && !pass_end;
      if (active) begin
        seg_q <= seg_next;
        cnt_q <= seg_last ? 32'd0 : cnt + 1;
        // From rb and cb, not rb_q and cb_q: in cycle 0 those are the last pass's.
        cb_q <= !fold_end ? cb : (last_cb ? 32'd0 : cb + 1);
        rb_q <= fold_end && last_cb ? rb + 1 : rb;
      end
      ld_run_q <= ld_now && ld_idx != R32 - 1;
      ld_cnt_q <= ld_now ? ld_idx + 1 : 32'd0;
    end
  end

  pe_array #(
      .ROWS(ROWS),
      .COLS(COLS)
  ) u_array (
      .clk, .rst_n, .en, .os_mode(os),
      .a_data, .a_valid(a_need), .a_first(a_need && cnt == 0), .a_last,
      .drain_acc(a_last && os && !par_c), .drain_osh(a_last && os && par_c),
      .b_data, .b_latch,
      .out_data(arr_out), .out_valid(pout_valid));
endmodule

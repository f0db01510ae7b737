// ROWS x COLS PEs with the skew in front and the de-skew behind, so that the sequencer
// issues and receives whole, unskewed vectors (one beat a cycle), as a buffer gives
// them. Row i's operands enter i cycles late and column j's j cycles late; every
// operand then moves one PE a cycle (right along the rows, down the columns), so PE
// (i, j) sees beat t of both edges at cycle t + i + j (SCALE-Sim's skew, S = R + C - 2
// cycles from the first PE to the last).
//
// ws/is: partial sums start at 0 above row 0, move down a column one row a cycle and
// leave row ROWS-1 skewed by column; column j waits COLS-1-j more cycles so a whole
// output vector leaves at once (out_*). The caller adds its start values (bias or the
// previous chunk's sums) there, where the accumulators sit in a TPU.
// os: sums stay. R cycles after a fold's last operand entered (drain_acc or drain_osh
// with it), its sums start down the columns, row R-1 first, from acc (os_drain: shift)
// or from the copies in osh (parallel); the column skew makes it a wavefront that
// leaves each row just before the next fold's first MAC reaches it, and the same
// de-skew as ws/is gives whole vectors (pe.sv).
module pe_array #(
    parameter int ROWS = 4,
    parameter int COLS = 4
) (
    input  logic               clk,
    input  logic               rst_n,
    input  logic               en,
    input  logic               os_mode,
    input  logic [ ROWS*9-1:0] a_data,
    input  logic               a_valid,
    input  logic               a_first,
    input  logic               a_last,
    input  logic               drain_acc,
    input  logic               drain_osh,
    input  logic [ COLS*9-1:0] b_data,
    input  logic               b_latch,
    output logic [COLS*32-1:0] out_data,
    output logic               out_valid
);
  // Flat nets, indexed [row][col]: a-side has COLS+1 columns (0: the skewed edge input),
  // b-, acc- and osh-side ROWS+1 rows (0: the edge input).
  localparam int AN = ROWS * (COLS + 1);
  localparam int BN = (ROWS + 1) * COLS;
  // The operands leaving the right and bottom edges go nowhere.
  // verilator lint_off UNUSEDSIGNAL
  logic [AN*9-1:0] a_net;
  logic [AN-1:0] av_net, af_net, al_net;
  logic [BN*9-1:0] b_net;
  // verilator lint_on UNUSEDSIGNAL
  logic [BN*32-1:0] acc_net, osh_net;
  // verilator lint_off UNUSEDSIGNAL
  logic [BN-1:0] accq_net, oshq_net;  // the bottom row's go nowhere
  // verilator lint_on UNUSEDSIGNAL
  logic [COLS-1:0] latch_col, acc_start_col, osh_start_col;

  // A column's drain starts R cycles after the fold's last operand entered it: then its
  // bottom PE has done its last MAC (the column skew is added per column below).
  logic drain_acc_late, drain_osh_late;
  delay_line #(.WIDTH(2), .DEPTH(ROWS)) u_drain_delay (
      .clk, .rst_n, .en, .d({drain_acc, drain_osh}), .q({drain_acc_late, drain_osh_late}));

  for (genvar i = 0; i < ROWS; i++) begin : g_row_skew
    localparam int E = i * (COLS + 1);
    delay_line #(.WIDTH(9), .DEPTH(i), .RESET(1'b0)) u_data (
        .clk, .rst_n, .en, .d(a_data[i*9+:9]), .q(a_net[E*9+:9]));
    delay_line #(.WIDTH(3), .DEPTH(i)) u_tags (
        .clk, .rst_n, .en, .d({a_valid, a_first, a_last}), .q({av_net[E], af_net[E], al_net[E]}));
  end

  for (genvar j = 0; j < COLS; j++) begin : g_col_skew
    delay_line #(.WIDTH(9), .DEPTH(j), .RESET(1'b0)) u_data (
        .clk, .rst_n, .en, .d(b_data[j*9+:9]), .q(b_net[j*9+:9]));
    delay_line #(.WIDTH(3), .DEPTH(j)) u_ctrl (
        .clk, .rst_n, .en, .d({b_latch, drain_acc_late, drain_osh_late}),
        .q({latch_col[j], acc_start_col[j], osh_start_col[j]}));
    assign acc_net[j*32+:32] = '0;
    assign osh_net[j*32+:32] = '0;
    assign accq_net[j] = 1'b0;
    assign oshq_net[j] = 1'b0;
  end

  for (genvar i = 0; i < ROWS; i++) begin : g_r
    for (genvar j = 0; j < COLS; j++) begin : g_c
      localparam int A = i * (COLS + 1) + j;  // this PE's a-side input
      localparam int B = i * COLS + j;  // this PE's b-side input
      pe u_pe (
          .clk, .rst_n, .en, .os_mode,
          .a_in(a_net[A*9+:9]), .a_v_in(av_net[A]), .a_first_in(af_net[A]), .a_last_in(al_net[A]),
          .b_in(b_net[B*9+:9]), .b_latch(latch_col[j]),
          .acc_in(acc_net[B*32+:32]),
          .acc_drain_start(acc_start_col[j]), .acc_drain_in(accq_net[B]),
          .osh_drain_start(osh_start_col[j]), .osh_drain_in(oshq_net[B]),
          .osh_in(osh_net[B*32+:32]),
          .a_out(a_net[(A+1)*9+:9]), .a_v_out(av_net[A+1]), .a_first_out(af_net[A+1]),
          .a_last_out(al_net[A+1]), .b_out(b_net[(B+COLS)*9+:9]),
          .acc_out(acc_net[(B+COLS)*32+:32]), .osh_out(osh_net[(B+COLS)*32+:32]),
          .acc_q(accq_net[B+COLS]), .osh_q(oshq_net[B+COLS]));
    end
  end

  // ws/is: the bottom row's sums are valid one cycle after a valid operand entered it;
  // in os the same tags mark MACs into sums that stay, so they mark no output. os: the
  // bottom row's sum (or copy) leaves while that row drains.
  logic ws_valid;
  always_ff @(posedge clk or negedge rst_n)
    if (!rst_n) ws_valid <= 1'b0;
    else if (en) ws_valid <= av_net[(ROWS-1)*(COLS+1)+COLS-1] && !os_mode;

  for (genvar j = 0; j < COLS; j++) begin : g_deskew
    localparam int BOTTOM = (ROWS - 1) * COLS + j;  // PE (ROWS-1, j)'s inputs
    wire from_osh = osh_start_col[j] || oshq_net[BOTTOM];
    delay_line #(.WIDTH(32), .DEPTH(COLS - 1 - j), .RESET(1'b0)) u_data (
        .clk, .rst_n, .en,
        .d(from_osh ? osh_net[(BOTTOM+COLS)*32+:32] : acc_net[(BOTTOM+COLS)*32+:32]),
        .q(out_data[j*32+:32]));
  end
  // Column COLS-1 needs no de-skew, so its valid is the whole vector's.
  localparam int LAST = ROWS * COLS - 1;
  assign out_valid = ws_valid || acc_start_col[COLS-1] || accq_net[LAST] ||
                     osh_start_col[COLS-1] || oshq_net[LAST];
endmodule

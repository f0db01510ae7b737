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
// os: sums stay; drain_shift moves every column down one row (acc_bottom is the row
// leaving); capture copies all sums to osh, whose chain drains while the next fold
// computes (osh_bottom).
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
    input  logic [ COLS*9-1:0] b_data,
    input  logic               b_latch,
    input  logic               drain_shift,
    input  logic               capture,
    output logic [COLS*32-1:0] out_data,
    output logic               out_valid,
    output logic [COLS*32-1:0] acc_bottom,
    output logic [COLS*32-1:0] osh_bottom
);
  // Flat nets, indexed [row][col]: a-side has COLS+1 columns (0: the skewed edge input),
  // b-, acc- and osh-side ROWS+1 rows (0: the edge input).
  localparam int AN = ROWS * (COLS + 1);
  localparam int BN = (ROWS + 1) * COLS;
  // The operands leaving the right and bottom edges go nowhere.
  // verilator lint_off UNUSEDSIGNAL
  logic [AN*9-1:0] a_net;
  logic [AN-1:0] av_net, af_net;
  logic [BN*9-1:0] b_net;
  // verilator lint_on UNUSEDSIGNAL
  logic [BN*32-1:0] acc_net, osh_net;
  logic [COLS-1:0] latch_col;

  for (genvar i = 0; i < ROWS; i++) begin : g_row_skew
    localparam int E = i * (COLS + 1);
    delay_line #(.WIDTH(9), .DEPTH(i), .RESET(1'b0)) u_data (
        .clk, .rst_n, .en, .d(a_data[i*9+:9]), .q(a_net[E*9+:9]));
    delay_line #(.WIDTH(2), .DEPTH(i)) u_tags (
        .clk, .rst_n, .en, .d({a_valid, a_first}), .q({av_net[E], af_net[E]}));
  end

  for (genvar j = 0; j < COLS; j++) begin : g_col_skew
    delay_line #(.WIDTH(9), .DEPTH(j), .RESET(1'b0)) u_data (
        .clk, .rst_n, .en, .d(b_data[j*9+:9]), .q(b_net[j*9+:9]));
    delay_line #(.WIDTH(1), .DEPTH(j)) u_latch (
        .clk, .rst_n, .en, .d(b_latch), .q(latch_col[j]));
    assign acc_net[j*32+:32] = '0;
    assign osh_net[j*32+:32] = '0;
  end

  for (genvar i = 0; i < ROWS; i++) begin : g_r
    for (genvar j = 0; j < COLS; j++) begin : g_c
      localparam int A = i * (COLS + 1) + j;  // this PE's a-side input
      localparam int B = i * COLS + j;  // this PE's b-side input
      pe u_pe (
          .clk, .rst_n, .en, .os_mode,
          .a_in(a_net[A*9+:9]), .a_v_in(av_net[A]), .a_first_in(af_net[A]),
          .b_in(b_net[B*9+:9]), .b_latch(latch_col[j]),
          .acc_in(acc_net[B*32+:32]), .drain_shift, .capture, .osh_in(osh_net[B*32+:32]),
          .a_out(a_net[(A+1)*9+:9]), .a_v_out(av_net[A+1]), .a_first_out(af_net[A+1]),
          .b_out(b_net[(B+COLS)*9+:9]),
          .acc_out(acc_net[(B+COLS)*32+:32]), .osh_out(osh_net[(B+COLS)*32+:32]));
    end
  end

  // The bottom row's sums are valid one cycle after a valid operand entered it; in os
  // the same tags mark MACs into sums that stay, so they mark no output. Column COLS-1
  // needs no de-skew, so its valid is the whole vector's.
  logic bottom_valid;
  always_ff @(posedge clk or negedge rst_n)
    if (!rst_n) bottom_valid <= 1'b0;
    else if (en) bottom_valid <= av_net[(ROWS-1)*(COLS+1)+COLS-1] && !os_mode;

  for (genvar j = 0; j < COLS; j++) begin : g_deskew
    delay_line #(.WIDTH(32), .DEPTH(COLS - 1 - j), .RESET(1'b0)) u_data (
        .clk, .rst_n, .en, .d(acc_net[(ROWS*COLS+j)*32+:32]), .q(out_data[j*32+:32]));
  end
  assign out_valid = bottom_valid;
  assign acc_bottom = acc_net[ROWS*COLS*32+:COLS*32];
  assign osh_bottom = osh_net[ROWS*COLS*32+:COLS*32];
endmodule

// Parts of a PE alone, only for synth.sh: they put the generic-gate counts next to
// published per-operator areas (the 45 nm figures behind area_pe_um2 in
// model/config/default.yaml: 8-bit multiplier 282 um2, 32-bit adder 137 um2), which
// calibrates the transistor-to-area step in README.md.
// verilator lint_off DECLFILENAME
module part_mul8 (
    input  logic signed [ 7:0] a,
    input  logic signed [ 7:0] b,
    output logic signed [15:0] y
);
  assign y = a * b;
endmodule

module part_add32 (
    input  logic [31:0] a,
    input  logic [31:0] b,
    output logic [31:0] y
);
  assign y = a + b;
endmodule

// A PE as a weight-stationary-only array would use it: pe.sv with the os inputs tied
// off and the os outputs left open, so synthesis drops osh, the drain bits and the os
// accumulate path; weight double buffering (shadow) stays.
module part_pe_ws (
    input  logic               clk,
    input  logic               rst_n,
    input  logic               en,
    input  logic signed [ 8:0] a_in,
    input  logic               a_v_in,
    input  logic               a_first_in,
    input  logic signed [ 8:0] b_in,
    input  logic               b_latch,
    input  logic signed [31:0] acc_in,
    output logic signed [ 8:0] a_out,
    output logic               a_v_out,
    output logic               a_first_out,
    output logic signed [ 8:0] b_out,
    output logic signed [31:0] acc_out
);
  // verilator lint_off PINCONNECTEMPTY
  pe u_pe (
      .clk, .rst_n, .en, .os_mode(1'b0), .a_in, .a_v_in, .a_first_in, .a_last_in(1'b0),
      .b_in, .b_latch, .acc_in, .acc_drain_start(1'b0), .acc_drain_in(1'b0),
      .osh_drain_start(1'b0), .osh_drain_in(1'b0), .osh_in(32'sd0),
      .a_out, .a_v_out, .a_first_out, .a_last_out(), .b_out, .acc_out, .osh_out(),
      .acc_q(), .osh_q());
  // verilator lint_on PINCONNECTEMPTY
endmodule

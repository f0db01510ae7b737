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

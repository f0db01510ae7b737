// A fixed delay of DEPTH cycles (DEPTH may be 0): the skew in front of the array and
// the de-skew behind it. Tags take the reset, data does not (RESET = 0 saves the reset
// flops where a valid bit travels alongside).
module delay_line #(
    parameter int WIDTH = 1,
    parameter int DEPTH = 1,
    parameter bit RESET = 1'b1
) (
    input  logic             clk,
    input  logic             rst_n,
    input  logic             en,
    input  logic [WIDTH-1:0] d,
    output logic [WIDTH-1:0] q
);
  if (DEPTH == 0) begin : g_wire
    assign q = d;
    // verilator lint_off UNUSEDSIGNAL
    wire unused_ports = ^{clk, rst_n, en};  // a wire needs no clock
    // verilator lint_on UNUSEDSIGNAL
  end else begin : g_regs
    logic [WIDTH*DEPTH-1:0] stages;
    logic [WIDTH*DEPTH-1:0] shifted;
    if (DEPTH == 1) begin : g_one
      assign shifted = d;
    end else begin : g_many
      assign shifted = {stages[WIDTH*(DEPTH-1)-1:0], d};
    end
    if (RESET) begin : g_reset
      always_ff @(posedge clk or negedge rst_n)
        if (!rst_n) stages <= '0;
        else if (en) stages <= shifted;
    end else begin : g_plain
      always_ff @(posedge clk) if (en) stages <= shifted;
      // verilator lint_off UNUSEDSIGNAL
      wire unused_reset = rst_n;
      // verilator lint_on UNUSEDSIGNAL
    end
    assign q = stages[WIDTH*DEPTH-1-:WIDTH];
  end
endmodule

// One processing element of the systolic array: a signed 9 x 9 -> 18-bit multiplier
// feeding a 32-bit accumulator, shared by the three dataflows (docs/timing.md §2).
// Operands are 9-bit signed so that int8 weights and uint8 activations minus their zero
// point (-255..255) both fit (model/func/int8_ops.h widens the same way).
//
// Registers and who uses them:
//   a_out    the row operand, passed right every cycle (ws: inputs, is: weights,
//            os: inputs), with its valid tag and the tags of a fold's first and
//            last operand
//   b_out    the column operand, passed down every cycle (ws/is: the stationary
//            operand on its way to its row; os: weights)
//   shadow   ws/is: the next fold's stationary operand, latched from the column chain
//            when the last load beat enters the array
//   active   ws/is: the stationary operand in use; takes shadow when the first operand
//            of a fold passes, so a load can overlap the fold before it
//   acc      ws/is: the partial sum moving down the column; os: the output sum that
//            stays, shifted down the column to drain (os_drain: shift)
//   osh      os: the fold's final sum, copied with its last MAC and shifted down the
//            column while the next fold computes in acc (os_drain: parallel)
//   acc_q,   os: a drain runs down a column as a wavefront: row i shifts in the i + 1
//   osh_q    cycles from the drain's start (drain_*_start, when the bottom PE of the
//            column has its sum); then its next fold's first MAC arrives. The bit
//            says "this row shifted last cycle", so the row below shifts this cycle.
module pe (
    input  logic               clk,
    input  logic               rst_n,
    input  logic               en,           // the whole array stalls together
    input  logic               os_mode,
    input  logic signed [ 8:0] a_in,
    input  logic               a_v_in,
    input  logic               a_first_in,
    input  logic               a_last_in,
    input  logic signed [ 8:0] b_in,
    input  logic               b_latch,
    input  logic signed [31:0] acc_in,       // from the PE above; 0 above row 0
    input  logic               acc_drain_start,  // per column
    input  logic               acc_drain_in,     // acc_q of the PE above; 0 above row 0
    input  logic               osh_drain_start,
    input  logic               osh_drain_in,
    input  logic signed [31:0] osh_in,
    output logic signed [ 8:0] a_out,
    output logic               a_v_out,
    output logic               a_first_out,
    output logic               a_last_out,
    output logic signed [ 8:0] b_out,
    output logic signed [31:0] acc_out,
    output logic signed [31:0] osh_out,
    output logic               acc_q,
    output logic               osh_q
);
  logic signed [8:0] shadow, active;

  // At a fold's first operand the new stationary value is already needed this cycle.
  wire signed [ 8:0] stationary = a_first_in ? shadow : active;
  wire signed [ 8:0] multiplier = os_mode ? b_in : stationary;
  wire signed [17:0] product = a_in * multiplier;
  wire signed [31:0] product32 = 32'(product);
  wire signed [31:0] os_sum = (a_first_in ? 32'sd0 : acc_out) + product32;
  wire acc_drain = acc_drain_start || acc_drain_in;
  wire osh_drain = osh_drain_start || osh_drain_in;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      a_v_out     <= 1'b0;
      a_first_out <= 1'b0;
      a_last_out  <= 1'b0;
      acc_q       <= 1'b0;
      osh_q       <= 1'b0;
    end else if (en) begin
      a_v_out     <= a_v_in;
      a_first_out <= a_first_in;
      a_last_out  <= a_last_in;
      acc_q       <= acc_drain;
      osh_q       <= osh_drain;
    end
  end

  // Datapath registers need no reset: the tags above say when they hold data.
  always_ff @(posedge clk) begin
    if (en) begin
      a_out <= a_in;
      b_out <= b_in;
      if (b_latch) shadow <= b_in;
      if (a_v_in && a_first_in && !os_mode) active <= shadow;
      if (!os_mode) acc_out <= acc_in + (a_v_in ? product32 : 32'sd0);
      else if (acc_drain) acc_out <= acc_in;
      else if (a_v_in) acc_out <= os_sum;
      // With folds overlapped and K = R the next copy lands in the cycle this row's
      // last drain shift leaves; the copy wins, the value shifted in is no one's.
      if (os_mode && a_v_in && a_last_in) osh_out <= os_sum;
      else if (osh_drain) osh_out <= osh_in;
    end
  end
endmodule

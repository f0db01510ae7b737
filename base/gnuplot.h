#pragma once
// Drawing PNG plots with gnuplot, which the project installs but a user's machine
// may lack: plots are then skipped with a note, never an error.
#include <filesystem>
#include <string>
#include <vector>

namespace qacc {

// Runs `script` (which must write each of `pngs` with ".tmp" appended), then renames
// every output into place and removes the script, so a failed run leaves no
// half-drawn plot. Returns false, after printing a note, when gnuplot is missing;
// throws qacc::Error when it fails.
bool run_gnuplot(const std::filesystem::path& script, const std::string& text,
                 const std::vector<std::filesystem::path>& pngs);

}  // namespace qacc

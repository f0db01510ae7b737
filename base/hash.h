#pragma once
// SHA-256 (OpenSSL) as lowercase hex: what a result's manifest names its model, image
// and design by, so two results can be told apart and traced to their inputs.
#include <cstddef>
#include <string>
#include <string_view>

namespace qacc {

std::string sha256_hex(const void* data, std::size_t bytes);
inline std::string sha256_hex(std::string_view text) { return sha256_hex(text.data(), text.size()); }

}  // namespace qacc

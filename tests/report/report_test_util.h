#pragma once
// Shared by the report tests: the synthetic report fixture and an XML well-formedness check.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace qexp::report::testing {

/// tests/report/testdata/report.json: 5 variants (float baseline, two int8 KL seeds forming a
/// group, int8 min/max per-tensor, a failed int16x8), 2 histograms, 3 weight tensors, nulls.
nlohmann::json load_fixture();

/// The lines of `text`, without their "\n".
std::vector<std::string> lines_of(const std::string& text);

/// Result of parsing a document with a real XML parser (libxml2).
struct XmlCheck {
  bool available = false;            ///< false if the test was built without libxml2
  std::string error;                 ///< empty if the document is well-formed
  std::vector<std::string> svg_ids;  ///< id of every <svg> element, in document order
  std::vector<std::string> hrefs;    ///< every href attribute value
  int src_attributes = 0;            ///< number of src attributes anywhere
  int script_elements = 0;           ///< number of <script> elements
};
XmlCheck check_xml(const std::string& document);

}  // namespace qexp::report::testing

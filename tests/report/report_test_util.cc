#include "tests/report/report_test_util.h"

#include <fstream>
#include <sstream>

#ifdef QEXP_HAVE_LIBXML2
#include <libxml/parser.h>
#include <libxml/tree.h>
#endif

namespace qexp::report::testing {

nlohmann::json load_fixture() {
  std::ifstream in(QEXP_SOURCE_DIR "/tests/report/testdata/report.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str());
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

#ifdef QEXP_HAVE_LIBXML2
namespace {

void walk(xmlNode* node, XmlCheck& out) {
  for (xmlNode* n = node; n != nullptr; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    std::string name = reinterpret_cast<const char*>(n->name);
    if (name == "script") ++out.script_elements;
    for (xmlAttr* a = n->properties; a != nullptr; a = a->next) {
      std::string attr = reinterpret_cast<const char*>(a->name);
      xmlChar* value = xmlNodeListGetString(n->doc, a->children, 1);
      std::string v = value ? reinterpret_cast<const char*>(value) : "";
      xmlFree(value);
      if (attr == "src") ++out.src_attributes;
      if (attr == "href") out.hrefs.push_back(v);
      if (attr == "id" && name == "svg") out.svg_ids.push_back(v);
    }
    walk(n->children, out);
  }
}

}  // namespace

XmlCheck check_xml(const std::string& document) {
  XmlCheck out;
  out.available = true;
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  xmlDocPtr doc =
      xmlCtxtReadMemory(ctxt, document.data(), static_cast<int>(document.size()), "report.html",
                        "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == nullptr || !ctxt->wellFormed) {
    const xmlError* e = xmlCtxtGetLastError(ctxt);
    out.error = e != nullptr && e->message != nullptr
                    ? "line " + std::to_string(e->line) + ": " + e->message
                    : "not well-formed";
  } else {
    walk(xmlDocGetRootElement(doc), out);
  }
  if (doc != nullptr) xmlFreeDoc(doc);
  xmlFreeParserCtxt(ctxt);
  return out;
}
#else
XmlCheck check_xml(const std::string&) { return XmlCheck{}; }
#endif

}  // namespace qexp::report::testing

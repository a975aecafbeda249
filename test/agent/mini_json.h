// A small JSON reader for the scripted update agent's scenario files (test code only).
// Objects, arrays, strings (with \uXXXX escapes, BMP), numbers, true/false/null.
#pragma once

#include <cstdlib>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace agent {

class Json {
 public:
  enum class Type { Null, Bool, Number, String, Array, Object };

  Json() = default;
  static Json Parse(const std::string& text) {
    size_t pos = 0;
    Json value = ParseValue(text, pos);
    SkipSpace(text, pos);
    if (pos != text.size()) throw std::runtime_error("scenario: trailing characters after JSON value");
    return value;
  }

  Type type() const { return type_; }
  bool isNull() const { return type_ == Type::Null; }
  bool has(const std::string& key) const { return type_ == Type::Object && object_.count(key) > 0 && !object_.at(key).isNull(); }
  const Json& operator[](const std::string& key) const {
    static const Json null;
    if (type_ != Type::Object) return null;
    auto it = object_.find(key);
    return it == object_.end() ? null : it->second;
  }
  const Json& operator[](size_t index) const {
    static const Json null;
    return (type_ == Type::Array && index < array_.size()) ? array_[index] : null;
  }
  size_t size() const { return type_ == Type::Array ? array_.size() : 0; }

  bool asBool(bool fallback = false) const { return type_ == Type::Bool ? bool_ : fallback; }
  double asNumber(double fallback = 0) const { return type_ == Type::Number ? number_ : fallback; }
  long long asInt(long long fallback = 0) const { return type_ == Type::Number ? static_cast<long long>(number_) : fallback; }
  std::string asString(const std::string& fallback = {}) const { return type_ == Type::String ? string_ : fallback; }

 private:
  static void SkipSpace(const std::string& s, size_t& pos) {
    while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\n' || s[pos] == '\r' || s[pos] == '\t')) ++pos;
  }

  static void AppendUtf8(std::string& out, unsigned code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  static std::string ParseString(const std::string& s, size_t& pos) {
    if (s[pos] != '"') throw std::runtime_error("scenario: expected a string");
    ++pos;
    std::string out;
    while (pos < s.size() && s[pos] != '"') {
      char c = s[pos++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos >= s.size()) break;
      char e = s[pos++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          if (pos + 4 > s.size()) throw std::runtime_error("scenario: bad \\u escape");
          unsigned code = static_cast<unsigned>(std::strtoul(s.substr(pos, 4).c_str(), nullptr, 16));
          pos += 4;
          AppendUtf8(out, code);
          break;
        }
        default: out += e;
      }
    }
    if (pos >= s.size()) throw std::runtime_error("scenario: unterminated string");
    ++pos;
    return out;
  }

  static Json ParseValue(const std::string& s, size_t& pos) {
    SkipSpace(s, pos);
    if (pos >= s.size()) throw std::runtime_error("scenario: unexpected end of JSON");
    Json value;
    char c = s[pos];
    if (c == '{') {
      value.type_ = Type::Object;
      ++pos;
      SkipSpace(s, pos);
      if (s[pos] == '}') {
        ++pos;
        return value;
      }
      for (;;) {
        SkipSpace(s, pos);
        std::string key = ParseString(s, pos);
        SkipSpace(s, pos);
        if (s[pos] != ':') throw std::runtime_error("scenario: expected ':'");
        ++pos;
        value.object_[key] = ParseValue(s, pos);
        SkipSpace(s, pos);
        if (s[pos] == ',') {
          ++pos;
          continue;
        }
        if (s[pos] == '}') {
          ++pos;
          return value;
        }
        throw std::runtime_error("scenario: expected ',' or '}'");
      }
    }
    if (c == '[') {
      value.type_ = Type::Array;
      ++pos;
      SkipSpace(s, pos);
      if (s[pos] == ']') {
        ++pos;
        return value;
      }
      for (;;) {
        value.array_.push_back(ParseValue(s, pos));
        SkipSpace(s, pos);
        if (s[pos] == ',') {
          ++pos;
          continue;
        }
        if (s[pos] == ']') {
          ++pos;
          return value;
        }
        throw std::runtime_error("scenario: expected ',' or ']'");
      }
    }
    if (c == '"') {
      value.type_ = Type::String;
      value.string_ = ParseString(s, pos);
      return value;
    }
    if (s.compare(pos, 4, "true") == 0) {
      pos += 4;
      value.type_ = Type::Bool;
      value.bool_ = true;
      return value;
    }
    if (s.compare(pos, 5, "false") == 0) {
      pos += 5;
      value.type_ = Type::Bool;
      return value;
    }
    if (s.compare(pos, 4, "null") == 0) {
      pos += 4;
      return value;
    }
    char* end = nullptr;
    double number = std::strtod(s.c_str() + pos, &end);
    if (end == s.c_str() + pos) throw std::runtime_error("scenario: unexpected character in JSON");
    pos = static_cast<size_t>(end - s.c_str());
    value.type_ = Type::Number;
    value.number_ = number;
    return value;
  }

  Type type_ = Type::Null;
  bool bool_ = false;
  double number_ = 0;
  std::string string_;
  std::vector<Json> array_;
  std::map<std::string, Json> object_;
};

}  // namespace agent

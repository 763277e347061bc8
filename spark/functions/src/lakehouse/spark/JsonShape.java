package lakehouse.spark;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;

/**
 * The raw shape of one bronze line, from one streaming parse: is the line exactly one JSON
 * value, and which top-level fields of which JSON types does it hold. The silver job calls it
 * from SQL, {@code reflect('lakehouse.spark.JsonShape', 'of', raw_line)}; the PySpark code in
 * lakehouse/silver/raw.py reads what it returns.
 *
 * <p>Why a function of our own: Spark has no single expression for this. The job used to parse
 * each line three times for it (try_parse_json, schema_of_variant over the VARIANT, and
 * json_array_length to refuse trailing content), a third of its staging pass.
 *
 * <p>Returns:
 * <ul>
 *   <li>for an object, its fields in the line's order as a JSON object of type names, e.g.
 *       {@code {"fare":"string","tips":"number","extra":"object"}}. A name is JSON-escaped, so
 *       every quote inside it follows a backslash: {@code "fare":"object"} right after
 *       {@code {} or {@code ,} can only be the field fare holding an object (anywhere else it
 *       may be the end of a name such as {@code a"fare});
 *   <li>for any other value, its type name alone: {@code array}, {@code string}, {@code number},
 *       {@code boolean} or {@code null};
 *   <li>the empty string when the line is not exactly one JSON value: empty, malformed, a key
 *       twice in one object (as Spark's parse_json refuses), or anything after the value
 *       ({@code {..}}} or {@code {..}{..}}). Not NULL: {@code reflect} returns a Java null as
 *       the text "null", which is the shape of the JSON value null.
 * </ul>
 */
public final class JsonShape {
  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private JsonShape() {}

  public static final String NOT_ONE_VALUE = "";

  public static String of(String line) {
    if (line == null) return NOT_ONE_VALUE;
    try (JsonParser parser = FACTORY.createParser(line)) {
      JsonToken root = parser.nextToken();
      if (root == null) return NOT_ONE_VALUE;
      String shape;
      if (root == JsonToken.START_OBJECT) {
        StringBuilder out = new StringBuilder(320).append('{');
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          if (out.length() > 1) out.append(',');
          out.append('"');
          JsonStringEncoder.getInstance().quoteAsString(parser.currentName(), out);
          out.append("\":\"");
          JsonToken value = parser.nextToken();
          out.append(typeName(value)).append('"');
          // Nested values are walked (to find malformed JSON and repeated keys), not described.
          parser.skipChildren();
        }
        shape = out.append('}').toString();
      } else {
        shape = typeName(root);
        parser.skipChildren();
      }
      return parser.nextToken() == null ? shape : NOT_ONE_VALUE;
    } catch (IOException | RuntimeException e) {
      return NOT_ONE_VALUE;
    }
  }

  private static String typeName(JsonToken token) {
    switch (token) {
      case START_OBJECT: return "object";
      case START_ARRAY: return "array";
      case VALUE_STRING: return "string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT: return "number";
      case VALUE_TRUE:
      case VALUE_FALSE: return "boolean";
      case VALUE_NULL: return "null";
      default: throw new IllegalStateException("not a value: " + token);
    }
  }
}

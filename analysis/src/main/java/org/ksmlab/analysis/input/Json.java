package org.ksmlab.analysis.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads one JSON result file, turning parse failures into a {@link BadInputException} naming the file. */
final class Json {
    private Json() {}

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * The file's JSON tree.
     *
     * @param expected what the file should hold, e.g. "one simulate --json object", for the message
     */
    static JsonNode read(Path file, String expected) throws BadInputException {
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            var where = e.getLocation();
            throw new BadInputException(file + ": not valid JSON (truncated or corrupt?)"
                    + (where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr())
                    + "; expected " + expected, e);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        if (root == null || root.isMissingNode()) {
            throw new BadInputException(file + ": empty file; expected " + expected);
        }
        return root;
    }

    /** "a JSON array", "a JSON string", ... for messages. */
    static String kind(JsonNode node) {
        return "a JSON " + node.getNodeType().name().toLowerCase();
    }
}
